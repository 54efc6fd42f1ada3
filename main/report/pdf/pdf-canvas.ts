// Text drawn with the PDF library's own calls inside react-pdf Canvas elements. react-pdf lays
// out every Text as a paragraph (attributed string, bidi, shaping, line breaking, a yoga node
// with a measure callback): a few tenths of a millisecond each, most of a long report's time.
// Text whose size is known before layout needs none of that: one line of our own words
// (headings, badges, table heads) or monospaced text wrapped at a column count (pdf-pre,
// pdf-grid). Drawn text stays text: pdftotext reads it, the embedded font has its Unicode map,
// and it is only ever the string argument of the text call, never interpreted.
import { Font } from '@react-pdf/renderer';
import { MONO, SANS } from './pdf-fonts.js';

/** The drawing calls react-pdf's painter passes on to pdfkit (those used here). */
export interface Painter {
  font: (src: unknown, size?: number) => Painter;
  fillColor: (c: string) => Painter;
  strokeColor: (c: string) => Painter;
  lineWidth: (w: number) => Painter;
  text: (s: string, x: number, y: number, o: object) => Painter;
  rect: (x: number, y: number, w: number, h: number) => Painter;
  roundedRect: (x: number, y: number, w: number, h: number, r: number) => Painter;
  moveTo: (x: number, y: number) => Painter;
  lineTo: (x: number, y: number) => Painter;
  fill: () => Painter;
  stroke: () => Painter;
  save: () => Painter;
  restore: () => Painter;
}

/** A DejaVu line box is ascent + descent: 1.164 em. pdfkit's text(y) puts the box's top at y. */
export const LINE_EM = 1.164;
/** DejaVu Sans Mono's advance width: 1233 units of 2048 per em for every glyph. */
export const MONO_ADVANCE = 1233 / 2048;

interface Shaper {
  unitsPerEm: number;
  layout: (t: string) => { positions: { xAdvance: number }[] };
}

/** react-pdf's loaded font object: given to pdfkit, it reuses the font react-pdf embeds. */
export function fontObject(family: string, bold = false): unknown {
  const data = Font.getFont({ fontFamily: family, fontWeight: bold ? 700 : 400 })?.data;
  if (!data) throw new Error(`PDF: font ${family}${bold ? ' bold' : ''} is not loaded`);
  return data;
}

/** Widths in em, per weight and text: labels, badges and page numbers repeat on every page. */
const emWidths = new Map<string, number>();

/** Width in points of one line in the sans font (loaded by pdfReport before rendering). */
export function sansWidth(text: string, size: number, bold = false): number {
  const key = `${bold ? 'b' : 'r'}${text}`;
  let em = emWidths.get(key);
  if (em === undefined) {
    const font = Font.getFont({ fontFamily: SANS, fontWeight: bold ? 700 : 400 })?.data as unknown as Shaper | null;
    if (!font?.layout) return text.length * size * 0.62; // not loaded yet: an estimate, not remembered
    em = font.layout(text).positions.reduce((w, p) => w + p.xAdvance, 0) / font.unitsPerEm;
    if (emWidths.size >= 5000) emWidths.clear();
    emWidths.set(key, em);
  }
  return em * size;
}

/** The text cut at whole characters to fit `room` points, an ellipsis marking the cut. */
export function fitSans(text: string, room: number, size: number, bold = false): string {
  if (sansWidth(text, size, bold) <= room) return text;
  const chars = [...text];
  while (chars.length > 0 && sansWidth(`${chars.join('')}…`, size, bold) > room) chars.splice(-Math.max(1, Math.ceil(chars.length / 10)));
  return `${chars.join('')}…`;
}

/** Monospaced characters that fit in `width` points at `size`. */
export const monoColumns = (width: number, size: number): number => Math.max(4, Math.floor(width / (size * MONO_ADVANCE)));

/** Draws monospaced lines from (x, y), one every `pitch` points, each centred in its pitch. */
export function drawMonoLines(p: Painter, lines: string[], x: number, y: number, size: number, pitch: number): void {
  p.font(fontObject(MONO), size);
  const centre = (pitch - size * LINE_EM) / 2;
  lines.forEach((l, i) => l && p.text(l, x, y + i * pitch + centre, { lineBreak: false }));
}

/**
 * Cuts lines longer than `cols` characters, at the last space that leaves at least
 * `minFill` of the line filled (transcripts: 0.6, so a line is not cut short of its width;
 * table cells: any space, so words stay whole), else at the column.
 */
export function wrapLines(lines: string[], cols: number, minFill = 0.6): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let rest = [...line.replace(/\t/g, '    ')];
    while (rest.length > cols) {
      const space = rest.lastIndexOf(' ', cols);
      const cut = space > 0 && space >= cols * minFill ? space + 1 : cols;
      out.push(rest.slice(0, cut).join('').trimEnd());
      rest = rest.slice(cut);
    }
    out.push(rest.join(''));
  }
  return out;
}
