// A table of plain strings drawn in Canvas rows (pdf-canvas.ts), for the appendices' long
// technical tables (certificate fields, block lists, SPF tree, EHLO, DNS): cells in the
// monospaced font, wrapped at each column's character count, so every row's height is known
// before layout and react-pdf lays out one box per row instead of a paragraph per cell. The
// header row repeats at the top of every page the table spans; rows are never split.
import { Canvas, View } from '@react-pdf/renderer';
import { drawMonoLines, fitSans, fontObject, LINE_EM, monoColumns, wrapLines, type Painter } from './pdf-canvas.js';
import { SANS } from './pdf-fonts.js';
import { CONTENT_WIDTH } from './pdf-styles.js';

const SIZE = 7;
const PITCH = 9.1;
const HEAD_SIZE = 7.5;
const PAD_X = 3;
const PAD_Y = 2;
const INK = '#1f2937';

export interface PdfGridProps {
  head: string[];
  rows: string[][];
  /** Relative column widths. */
  widths?: number[];
  /** The table's width in points (the page's content width unless inside something narrower). */
  width?: number;
}

/** Column edges in points, from relative widths. */
function columns(n: number, widths: number[] | undefined, width: number): { x: number; w: number }[] {
  const weights = Array.from({ length: n }, (_, i) => widths?.[i] ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let x = 0;
  return weights.map((wt) => {
    const w = (width * wt) / total;
    const col = { x, w };
    x += w;
    return col;
  });
}

function rule(p: Painter, y: number, width: number, colour: string): void {
  p.moveTo(0, y).lineTo(width, y).lineWidth(0.5).strokeColor(colour).stroke();
}

export function PdfGrid({ head, rows, widths, width = CONTENT_WIDTH }: PdfGridProps) {
  const cols = columns(head.length, widths, width);
  const headHeight = HEAD_SIZE * LINE_EM + 2 * PAD_Y;
  const paintHead = (p: Painter) => {
    p.rect(0, 0, width, headHeight).fillColor('#e5e7eb').fill();
    rule(p, headHeight - 0.25, width, '#9ca3af');
    p.font(fontObject(SANS, true), HEAD_SIZE).fillColor(INK);
    head.forEach((h, i) => p.text(fitSans(h, cols[i].w - 2 * PAD_X, HEAD_SIZE, true), cols[i].x + PAD_X, PAD_Y, { lineBreak: false }));
    return null;
  };
  return (
    <View style={{ marginVertical: 4 }}>
      <Canvas fixed minPresenceAhead={24} style={{ height: headHeight }} paint={paintHead as (p: unknown) => null} />
      {rows.map((row, r) => {
        const cells = cols.map((c, i) => wrapLines(String(row[i] ?? '').split('\n'), monoColumns(c.w - 2 * PAD_X, SIZE)));
        const height = Math.max(...cells.map((l) => l.length)) * PITCH + 2 * PAD_Y;
        const paint = (p: Painter) => {
          p.fillColor(INK);
          cells.forEach((lines, i) => drawMonoLines(p, lines, cols[i].x + PAD_X, PAD_Y, SIZE, PITCH));
          rule(p, height - 0.25, width, '#d1d5db');
          return null;
        };
        return <Canvas key={r} style={{ height }} paint={paint as (p: unknown) => null} />;
      })}
    </View>
  );
}
