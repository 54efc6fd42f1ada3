// Characters the shipped fonts cannot draw (CJK, emoji, rarer scripts) are written as
// [U+XXXX] in the PDF. react-pdf's last resort for a missing glyph is the standard Helvetica,
// whose WinAnsi encoding turns such text into unrelated Latin letters: a client reading the
// report would see garbage, or a different text than the server sent. The HTML and JSON
// reports keep the characters as they are (a browser has fonts for them).
import { fontObject } from './pdf-canvas.js';
import { MONO, SANS } from './pdf-fonts.js';

interface GlyphFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

/** Printable ASCII and the line breaks every font here has: the common case, never checked. */
const PLAIN = /^[\x20-\x7e\n\t]*$/;

/** A function that rewrites the characters none of the PDF's fonts can draw (fonts loaded first). */
export function glyphGuard(): (text: string) => string {
  const fonts = [fontObject(SANS), fontObject(SANS, true), fontObject(MONO)] as GlyphFont[];
  const known = new Map<number, boolean>();
  const drawable = (cp: number): boolean => {
    let ok = known.get(cp);
    if (ok === undefined) {
      ok = fonts.every((f) => f.hasGlyphForCodePoint(cp));
      known.set(cp, ok);
    }
    return ok;
  };
  return (text) => {
    if (PLAIN.test(text)) return text;
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      out += cp === 0x0a || cp === 0x09 || drawable(cp) ? ch : `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
    }
    return out;
  };
}

/** The same plain data (objects, arrays) with every string passed through `map`. */
export function mapStrings<T>(value: T, map: (s: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)])) as T;
  }
  return value;
}
