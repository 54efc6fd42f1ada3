// The shipped DejaVu fonts (assets/fonts): the built-in Helvetica has no glyphs beyond
// Latin-1 and garbles server text; DejaVu covers Latin, Greek, Cyrillic, Arabic, Hebrew,
// symbols and box drawing. Registered once per process.
import { Font } from '@react-pdf/renderer';
import { fontFile } from '../app-root.js';
import { reuseResolvedFonts } from './pdf-font-reuse.js';

export const SANS = 'DejaVu Sans';
export const MONO = 'DejaVu Sans Mono';
/** Longer runs without a space are broken (at a hyphen) so they never run off the page. */
const MAX_UNBROKEN = 40;

let registered = false;

export function registerFonts(): void {
  if (registered) return;
  reuseResolvedFonts();
  Font.register({ family: SANS, fonts: [{ src: fontFile('DejaVuSans.ttf') }, { src: fontFile('DejaVuSans-Bold.ttf'), fontWeight: 'bold' }] });
  Font.register({ family: MONO, src: fontFile('DejaVuSansMono.ttf') });
  // No hyphenation of ordinary words; only over-long tokens (hostile lines, hashes) are split.
  Font.registerHyphenationCallback((word) => (word.length <= MAX_UNBROKEN ? [word] : (word.match(new RegExp(`[\\s\\S]{1,${MAX_UNBROKEN}}`, 'gu')) ?? [word])));
  registered = true;
}

