// Shaping a word at a time, each word once per process. react-pdf shapes every run of text as a
// whole with fontkit (OpenType substitution and positioning: a third of its text layout time),
// although reports repeat the same words over and over (labels, hosts, descriptions of the same
// finding on several hosts). The PDF library underneath (pdfkit) shapes its own text the same
// way: per word, from a cache (and scales the positions it is given in place, so each caller
// gets its own copies). Words are split after their trailing spaces, so no glyph
// interaction is lost except across a space, where DejaVu has none that matters.
import { Font } from '@react-pdf/renderer';

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}
interface GlyphRunLike {
  glyphs: unknown[];
  positions: Position[];
}
type Layout = (text: string, features?: unknown, script?: string, language?: string, direction?: string) => GlyphRunLike;
interface ShapingFont {
  layout: Layout;
  mxauditWordCache?: Map<string, GlyphRunLike>;
}

/** Words kept per font; the cache starts over past this (memory stays bounded on hostile text). */
const MAX_WORDS = 20_000;
const WORD = /\S+\s*|\s+/gu;

const copy = ({ xAdvance, yAdvance, xOffset, yOffset }: Position): Position => ({ xAdvance, yAdvance, xOffset, yOffset });

/** Wraps a fontkit font's layout with the per-word cache (once). */
export function cacheWordShaping(font: ShapingFont): void {
  if (font.mxauditWordCache) return;
  const cache = new Map<string, GlyphRunLike>();
  const whole = font.layout.bind(font);
  font.mxauditWordCache = cache;
  font.layout = (text, features, script, language, direction) => {
    // Only react-pdf's own call (no extra features, no script): anything else goes through untouched.
    const plain = features === undefined || (Array.isArray(features) && features.length === 0);
    if (!plain || script !== undefined || language !== undefined) return whole(text, features, script, language, direction);
    const glyphs: unknown[] = [];
    const positions: Position[] = [];
    for (const word of text.match(WORD) ?? []) {
      let run = cache.get(word);
      if (!run) {
        const shaped = whole(word, undefined, undefined, undefined, direction);
        run = { glyphs: shaped.glyphs, positions: shaped.positions.map(copy) };
        if (cache.size >= MAX_WORDS) cache.clear();
        cache.set(word, run);
      }
      for (const g of run.glyphs) glyphs.push(g);
      // Fresh position objects every time: pdfkit scales the positions it gets in place.
      for (const p of run.positions) positions.push(copy(p));
    }
    return { glyphs, positions };
  };
}

/**
 * fontkit computes these on every read (a getter reading a parsed table through another
 * getter), and text layout reads unitsPerEm for every run and glyph: kept as plain values.
 */
const CONSTANT_METRICS = ['unitsPerEm', 'ascent', 'descent', 'lineGap', 'capHeight', 'xHeight', 'underlinePosition', 'underlineThickness'];

export function pinMetrics(font: object): void {
  for (const key of CONSTANT_METRICS) {
    const value: unknown = (font as Record<string, unknown>)[key];
    if (typeof value === 'number') Object.defineProperty(font, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** Loads the registered fonts of these families and weights and gives each the word cache. */
export async function loadWithWordCache(faces: { fontFamily: string; fontWeight?: number }[]): Promise<void> {
  for (const face of faces) {
    await Font.load(face);
    const data = Font.getFont(face)?.data as unknown as ShapingFont | null;
    if (data && typeof data.layout === 'function') {
      cacheWordShaping(data);
      pinMetrics(data);
    }
  }
}
