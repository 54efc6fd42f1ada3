// A table of plain strings drawn in Canvas rows (pdf-canvas.ts), for the appendices' long
// technical tables (certificate fields, block lists, SPF tree, EHLO, DNS): cells in the
// monospaced font, wrapped at each column's character count, so every row's height is known
// before layout and react-pdf lays out one box per row instead of a paragraph per cell. The
// head row (grey) repeats at the top of every page the table spans; rows are never split.
import { Canvas, View } from '@react-pdf/renderer';
import { drawMonoLines, MONO_ADVANCE, monoColumns, wrapLines, type Painter } from './pdf-canvas.js';
import { CONTENT_WIDTH } from './pdf-styles.js';

/** Text size and line pitch; narrow columns (many hosts side by side) go down to MIN_SIZE. */
const SIZE = 7;
const MIN_SIZE = 5.5;
const PITCH_EM = 1.3;
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

/** The largest size up to SIZE at which every word of the body fits its column unbroken. */
function sizeFor(rows: string[][], cols: { w: number }[]): number {
  let size = SIZE;
  cols.forEach((c, i) => {
    const longest = Math.max(1, ...rows.flatMap((r) => String(r[i] ?? '').split(/\s+/)).map((w) => [...w].length));
    size = Math.min(size, (c.w - 2 * PAD_X) / (longest * MONO_ADVANCE));
  });
  return Math.max(MIN_SIZE, size);
}

/** Each cell's lines, wrapped at its column's character count. */
function wrapRow(row: string[], cols: { w: number }[], size: number): string[][] {
  return cols.map((c, i) => wrapLines(String(row[i] ?? '').split('\n'), monoColumns(c.w - 2 * PAD_X, size), 0));
}

export function PdfGrid({ head, rows, widths, width = CONTENT_WIDTH }: PdfGridProps) {
  const cols = columns(head.length, widths, width);
  const size = sizeFor(rows, cols);
  const pitch = size * PITCH_EM;
  const rowHeight = (cells: string[][]): number => Math.max(...cells.map((l) => l.length)) * pitch + 2 * PAD_Y;
  // The head wraps like the rows (host names as column heads must not be cut).
  const headCells = wrapRow(head, cols, size);
  const headHeight = rowHeight(headCells);
  const paintHead = (p: Painter) => {
    p.rect(0, 0, width, headHeight).fillColor('#e5e7eb').fill();
    rule(p, headHeight - 0.25, width, '#9ca3af');
    p.fillColor(INK);
    headCells.forEach((lines, i) => drawMonoLines(p, lines, cols[i].x + PAD_X, PAD_Y, size, pitch));
    return null;
  };
  return (
    <View style={{ marginVertical: 4 }}>
      <Canvas fixed minPresenceAhead={24} style={{ height: headHeight }} paint={paintHead as (p: unknown) => null} />
      {rows.map((row, r) => {
        const cells = wrapRow(row, cols, size);
        const height = rowHeight(cells);
        const paint = (p: Painter) => {
          p.fillColor(INK);
          cells.forEach((lines, i) => drawMonoLines(p, lines, cols[i].x + PAD_X, PAD_Y, size, pitch));
          rule(p, height - 0.25, width, '#d1d5db');
          return null;
        };
        return <Canvas key={r} style={{ height }} paint={paint as (p: unknown) => null} />;
      })}
    </View>
  );
}
