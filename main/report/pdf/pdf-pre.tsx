// Preformatted lines (transcripts, evidence) drawn in Canvas blocks (pdf-canvas.ts), not as
// react-pdf Text: a monospaced line's width is its character count, so lines are wrapped here
// at the column count that fits and each block's height is known before layout. Each block
// paints its part of the grey box (and the first one the heading above it), so a piece of
// evidence is a few boxes for react-pdf to place, not a tree of them; a long transcript breaks
// across pages between blocks.
import { Canvas } from '@react-pdf/renderer';
import { drawMonoLines, fontObject, LINE_EM, monoColumns, wrapLines, type Painter } from './pdf-canvas.js';
import { SANS } from './pdf-fonts.js';
import { CONTENT_WIDTH, PRE_FONT_SIZE, PRE_LINE_HEIGHT } from './pdf-styles.js';

/** Lines per Canvas block: a page break can fall between blocks, never inside one. */
const LINES_PER_BLOCK = 8;
const PAD = 4;
const BORDER = 0.5;
/** The heading above the box: a fourth-level heading's size and margins. */
const TITLE_SIZE = 9.5;
const TITLE_HEIGHT = 6 + TITLE_SIZE * LINE_EM + 2;
/** The text's width inside the widest container a pre block sits in (A4 minus page padding). */
export const PRE_WIDTH_FULL = CONTENT_WIDTH - 2 * (PAD + BORDER);
/** Inside a finding (its left border and padding). */
export const PRE_WIDTH_FINDING = PRE_WIDTH_FULL - 4 - 8;

export const columnsFor = (width: number): number => Math.max(20, monoColumns(width, PRE_FONT_SIZE));

interface Block {
  lines: string[];
  title?: string;
  first: boolean;
  last: boolean;
}

function block({ lines, title, first, last }: Block, key: number) {
  const top = title ? TITLE_HEIGHT : 0;
  const boxTop = first ? PAD + BORDER : 0;
  const height = top + boxTop + lines.length * PRE_LINE_HEIGHT + (last ? PAD + BORDER : 0);
  const paint = (p: Painter, width: number) => {
    if (title) {
      p.font(fontObject(SANS, true), TITLE_SIZE).fillColor('#1f2937');
      p.text(title, 0, 6, { lineBreak: false });
    }
    p.rect(0, top, width, height - top).fillColor('#f3f4f6').fill();
    const edge = BORDER / 2;
    p.lineWidth(BORDER).strokeColor('#d1d5db');
    p.moveTo(edge, top).lineTo(edge, height).moveTo(width - edge, top).lineTo(width - edge, height).stroke();
    if (first) p.moveTo(0, top + edge).lineTo(width, top + edge).stroke();
    if (last) p.moveTo(0, height - edge).lineTo(width, height - edge).stroke();
    p.fillColor('#1f2937');
    drawMonoLines(p, lines, PAD + BORDER, top + boxTop, PRE_FONT_SIZE, PRE_LINE_HEIGHT);
    return null;
  };
  return <Canvas key={key} paint={paint as (p: unknown, w: number) => null} style={{ height }} />;
}

/** The lines in a grey box, under `title` (drawn as a fourth-level heading kept with the first lines). */
export function PdfPre({ lines, width = PRE_WIDTH_FULL, title }: { lines: string[]; width?: number; title?: string }) {
  const wrapped = wrapLines(lines.length ? lines : [''], columnsFor(width));
  const blocks: Block[] = [];
  for (let i = 0; i < wrapped.length; i += LINES_PER_BLOCK) {
    blocks.push({ lines: wrapped.slice(i, i + LINES_PER_BLOCK), title: i === 0 ? title : undefined, first: i === 0, last: i + LINES_PER_BLOCK >= wrapped.length });
  }
  return <>{blocks.map(block)}</>;
}
