// react-pdf sets the font of every run of text with the loaded font object and a size, never a
// name: pdfkit then opens a new embedded font for each run and compares the name tables as JSON
// to find it is the one it already has (about a tenth of a report's render time, and garbage).
// Remember, per document, what pdfkit resolved each font object to, and hand that back.
import PDFDocument from 'pdfkit';

interface Doc {
  fontSize(size: number): Doc;
}
type FontFn = (this: Doc, src: unknown, family?: unknown, size?: unknown) => Doc;
interface Resolved {
  _font: unknown;
  _fontSource: unknown;
  _fontFamily: unknown;
}

const resolvedFonts = new WeakMap<object, WeakMap<object, unknown>>();
let installed = false;

export function reuseResolvedFonts(): void {
  if (installed) return;
  installed = true;
  const proto = PDFDocument.prototype as unknown as { font: FontFn };
  const original = proto.font;
  proto.font = function font(this: Doc, src, family, size) {
    // Only the call react-pdf makes: a font object and a numeric size (named fonts keep pdfkit's own cache).
    if (!src || typeof src !== 'object' || (family !== undefined && typeof family !== 'number')) return original.call(this, src, family, size);
    let perDoc = resolvedFonts.get(this);
    if (!perDoc) resolvedFonts.set(this, (perDoc = new WeakMap()));
    const known = perDoc.get(src);
    if (known === undefined) {
      original.call(this, src, family, size);
      perDoc.set(src, (this as unknown as Resolved)._font);
      return this;
    }
    const doc = this as unknown as Resolved;
    doc._fontSource = src;
    doc._fontFamily = null;
    doc._font = known;
    if (typeof family === 'number') this.fontSize(family);
    return this;
  } as FontFn;
}
