// The shipped DejaVu fonts (assets/fonts): the built-in Helvetica has no glyphs beyond
// Latin-1 and garbles server text; DejaVu covers Latin, Greek, Cyrillic, Arabic, Hebrew,
// symbols and box drawing. Registered once per process.
import { Font } from '@react-pdf/renderer';
import { fontFile } from '../app-root.js';

export const SANS = 'DejaVu Sans';
export const MONO = 'DejaVu Sans Mono';
/** Path of the monospaced font, for text drawn with the PDF library directly (pdf-pre.tsx). */
export const MONO_FILE = fontFile('DejaVuSansMono.ttf');
/** Longer runs without a space are broken (at a hyphen) so they never run off the page. */
const MAX_UNBROKEN = 40;

let registered = false;

export function registerFonts(): void {
  if (registered) return;
  Font.register({ family: SANS, fonts: [{ src: fontFile('DejaVuSans.ttf') }, { src: fontFile('DejaVuSans-Bold.ttf'), fontWeight: 'bold' }] });
  Font.register({ family: MONO, src: MONO_FILE });
  // No hyphenation of ordinary words; only over-long tokens (hostile lines, hashes) are split.
  Font.registerHyphenationCallback((word) => (word.length <= MAX_UNBROKEN ? [word] : (word.match(new RegExp(`[\\s\\S]{1,${MAX_UNBROKEN}}`, 'gu')) ?? [word])));
  registered = true;
}
