// Preformatted lines (transcripts, evidence) drawn straight with the PDF library's own text
// call inside Canvas blocks, not as react-pdf Text: react-pdf lays out every line of a Text as a
// paragraph (bidi, shaping, line breaking: about half a millisecond a line, a third of the time
// of a 100-finding report). A monospaced font needs none of that: a line's width is its
// character count, so lines are wrapped here at the column count that fits and each block's
// height is known before layout. Blocks of a few lines let a long transcript break across pages.
// The text stays text (pdftotext reads it; the font is embedded with its Unicode map) and is
// never interpreted: it is only ever the string argument of the text call.
import { Canvas, View } from '@react-pdf/renderer';
import { loadedFont, MONO, MONO_FILE } from './pdf-fonts.js';
import { PRE_FONT_SIZE, PRE_LINE_HEIGHT, styles } from './pdf-styles.js';

/** DejaVu Sans Mono's advance width: 1233 units of 2048 per em for every glyph. */
const MONO_ADVANCE = 1233 / 2048;
/** Lines per Canvas block: a page break can fall between blocks, never inside one. */
const LINES_PER_BLOCK = 5;
/** The text's width inside the widest container a pre block sits in (A4 minus page padding). */
export const PRE_WIDTH_FULL = 595.28 - 2 * 44 - 2 * (4 + 0.5);
/** Inside a finding (its left border and padding). */
export const PRE_WIDTH_FINDING = PRE_WIDTH_FULL - 4 - 8;

export const columnsFor = (width: number): number => Math.max(20, Math.floor(width / (PRE_FONT_SIZE * MONO_ADVANCE)));

/** Cuts lines longer than `cols` characters, at the last space of the line when there is one near the end. */
export function wrapLines(lines: string[], cols: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let rest = [...line.replace(/\t/g, '    ')];
    while (rest.length > cols) {
      const space = rest.lastIndexOf(' ', cols);
      const cut = space > cols * 0.6 ? space + 1 : cols;
      out.push(rest.slice(0, cut).join('').trimEnd());
      rest = rest.slice(cut);
    }
    out.push(rest.join(''));
  }
  return out;
}

interface Painter {
  font?: (src: unknown, size?: number) => Painter;
  fillColor: (c: string) => Painter;
  text: (s: string, x: number, y: number, o: object) => Painter;
}

function block(lines: string[], key: number) {
  const paint = (p: Painter) => {
    if (!p.font) return null; // react-pdf's measuring context: the height is given in style
    p.font(loadedFont(MONO, MONO_FILE), PRE_FONT_SIZE).fillColor('#1f2937');
    lines.forEach((l, i) => l && p.text(l, 0, i * PRE_LINE_HEIGHT + (PRE_LINE_HEIGHT - PRE_FONT_SIZE * 1.164) / 2, { lineBreak: false }));
    return null;
  };
  return <Canvas key={key} paint={paint as (p: unknown) => null} style={{ height: lines.length * PRE_LINE_HEIGHT }} />;
}

export function PdfPre({ lines, width = PRE_WIDTH_FULL }: { lines: string[]; width?: number }) {
  const wrapped = wrapLines(lines, columnsFor(width));
  const blocks: string[][] = [];
  for (let i = 0; i < wrapped.length; i += LINES_PER_BLOCK) blocks.push(wrapped.slice(i, i + LINES_PER_BLOCK));
  return <View style={styles.pre}>{blocks.map((b, i) => block(b, i))}</View>;
}
