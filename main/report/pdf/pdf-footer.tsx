// The footer of every sheet ("title · client" left, "Page i of N" right), stamped onto the
// finished pages by the PDF library (pdfkit) just before the document ends, when N is known.
// react-pdf can only put per-sheet chrome on pages through a Page `layout`, and any `layout`
// makes it paginate the whole document twice (the second round for "of N") and lay the chrome
// out again on every sheet: a quarter of a 100-finding report's time. Here the pages are
// buffered (pdfkit's bufferPages) and each gets two text calls at the end. Drawn text stays
// text (pdftotext reads it); the title is cut with an ellipsis to one line.
import { Canvas } from '@react-pdf/renderer';
import PDFDocument from 'pdfkit';
import { fitSans, fontObject, sansWidth, type Painter } from './pdf-canvas.js';
import { SANS } from './pdf-fonts.js';

const SIZE = 7.5;
const COLOUR = '#6b7280';
/** Where the footer line sits: inside the page's bottom padding (48 pt), as wide as the text. */
const MARGIN_X = 44;
const FROM_BOTTOM = 30;

/** The part of a pdfkit document used here. */
interface Doc {
  options: { bufferPages?: boolean };
  page: { width: number; height: number };
  end(): unknown;
  bufferedPageRange(): { start: number; count: number };
  switchToPage(n: number): unknown;
  save(): Doc;
  restore(): Doc;
  font(src: unknown, size?: number): Doc;
  fillColor(c: string): Doc;
  text(s: string, x: number, y: number, o: object): Doc;
}

/**
 * The pdfkit document behind a Canvas painter. react-pdf hands paint() a wrapper whose methods
 * call the document's own: one of them, swapped on the prototype for a synchronous call, names it.
 */
function documentOf(p: Pick<Painter, 'save'>): Doc | null {
  const proto = PDFDocument.prototype as unknown as { save: (this: Doc) => Doc };
  const original = proto.save;
  let doc: Doc | null = null;
  proto.save = function capture(this: Doc) {
    doc = this;
    return this;
  };
  try {
    p.save();
  } finally {
    proto.save = original;
  }
  return doc;
}

/** Keeps every page open and, when the document ends, draws the footer on each. */
function stampFooters(doc: Doc, left: string): void {
  if (doc.options.bufferPages) return; // stamped already (one footer per document)
  // Pages already flushed cannot be drawn on: the stamp must be painted on the first page.
  if (doc.bufferedPageRange().start !== 0) throw new Error('PDF footer: requested after the first page');
  doc.options.bufferPages = true;
  const end = doc.end;
  doc.end = function endWithFooters(this: Doc) {
    const { start, count } = doc.bufferedPageRange();
    const font = fontObject(SANS);
    // The title cut once for the widest page number ("Page N of N"), so it is the same on every page.
    const widest = sansWidth(`Page ${count} of ${count}`, SIZE);
    const fitted = new Map<number, string>();
    for (let i = start; i < start + count; i++) {
      doc.switchToPage(i);
      const right = `Page ${i + 1} of ${count}`;
      const width = doc.page.width - 2 * MARGIN_X;
      if (!fitted.has(width)) fitted.set(width, fitSans(left, width - widest - 12, SIZE));
      const y = doc.page.height - FROM_BOTTOM;
      doc.save().font(font, SIZE).fillColor(COLOUR);
      doc.text(fitted.get(width)!, MARGIN_X, y, { lineBreak: false });
      doc.text(right, MARGIN_X + width - sansWidth(right, SIZE), y, { lineBreak: false });
      doc.restore();
    }
    return end.call(this);
  };
}

/**
 * Put once, first thing on the first page: a one-point Canvas that draws nothing and asks for
 * the footer on every page of the document.
 */
export function PdfFooters({ left }: { left: string }) {
  const paint = (p: Painter) => {
    const doc = documentOf(p); // null in react-pdf's measuring context, whose save is its own
    if (doc) stampFooters(doc, left);
    return null;
  };
  return <Canvas fixed style={{ position: 'absolute', top: 0, left: 0, width: 1, height: 1 }} paint={paint as (p: unknown) => null} />;
}
