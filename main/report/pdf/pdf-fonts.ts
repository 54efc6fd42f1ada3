// The shipped DejaVu fonts (assets/fonts): the built-in Helvetica has no glyphs beyond
// Latin-1 and garbles server text; DejaVu covers Latin, Greek, Cyrillic, Arabic, Hebrew,
// symbols and box drawing. Registered once per process.
import { Font } from '@react-pdf/renderer';
import { fontFile } from '../app-root.js';
import { reuseResolvedFonts } from './pdf-font-reuse.js';

export const SANS = 'DejaVu Sans';
export const MONO = 'DejaVu Sans Mono';
/** Path of the monospaced font, for text drawn with the PDF library directly (pdf-pre.tsx). */
export const MONO_FILE = fontFile('DejaVuSansMono.ttf');
/** Path of the sans font, for the footer drawn directly (pdf-footer.tsx). */
export const SANS_FILE = fontFile('DejaVuSans.ttf');
/** Longer runs without a space are broken (at a hyphen) so they never run off the page. */
const MAX_UNBROKEN = 40;

let registered = false;

export function registerFonts(): void {
  if (registered) return;
  reuseResolvedFonts();
  Font.register({ family: SANS, fonts: [{ src: SANS_FILE }, { src: fontFile('DejaVuSans-Bold.ttf'), fontWeight: 'bold' }] });
  Font.register({ family: MONO, src: MONO_FILE });
  // No hyphenation of ordinary words; only over-long tokens (hostile lines, hashes) are split.
  Font.registerHyphenationCallback((word) => (word.length <= MAX_UNBROKEN ? [word] : (word.match(new RegExp(`[\\s\\S]{1,${MAX_UNBROKEN}}`, 'gu')) ?? [word])));
  registered = true;
}

/**
 * The font as react-pdf loaded it, for text drawn with pdfkit directly (pdf-pre, pdf-footer).
 * Handing pdfkit this object, not the file, lets it reuse the font react-pdf embeds; given the
 * path it would read and parse the file again at every call once react-pdf has used the font.
 */
export function loadedFont(fontFamily: string, file: string): unknown {
  return Font.getFont({ fontFamily })?.data ?? file;
}
