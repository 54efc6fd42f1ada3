// Preformatted lines (transcripts, evidence) drawn in Canvas blocks (pdf-canvas.ts), not as
// react-pdf Text: a monospaced line's width is its character count, so lines are wrapped here
// at the column count that fits and each block's height is known before layout. Blocks of a
// few lines let a long transcript break across pages.
import { Canvas, View } from '@react-pdf/renderer';
import { drawMonoLines, monoColumns, wrapLines, type Painter } from './pdf-canvas.js';
import { PRE_FONT_SIZE, PRE_LINE_HEIGHT, styles } from './pdf-styles.js';

/** Lines per Canvas block: a page break can fall between blocks, never inside one. */
const LINES_PER_BLOCK = 5;
/** The text's width inside the widest container a pre block sits in (A4 minus page padding). */
export const PRE_WIDTH_FULL = 595.28 - 2 * 44 - 2 * (4 + 0.5);
/** Inside a finding (its left border and padding). */
export const PRE_WIDTH_FINDING = PRE_WIDTH_FULL - 4 - 8;

export const columnsFor = (width: number): number => Math.max(20, monoColumns(width, PRE_FONT_SIZE));

function block(lines: string[], key: number) {
  const paint = (p: Painter) => {
    p.fillColor('#1f2937');
    drawMonoLines(p, lines, 0, 0, PRE_FONT_SIZE, PRE_LINE_HEIGHT);
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
