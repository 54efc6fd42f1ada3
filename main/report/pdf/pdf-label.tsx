// One line of our own words (headings such as "Remediation", severity badges) drawn in a Canvas
// of known size (pdf-canvas.ts): react-pdf would lay each out as a paragraph. Only for short
// labels the report itself writes; server text and anything that may wrap stays a Text.
import { Canvas } from '@react-pdf/renderer';
import type { Style } from '@react-pdf/types';
import type { Severity } from '../../../shared/assessment.js';
import { severityColour } from '../severity-style.js';
import { fitSans, fontObject, LINE_EM, sansWidth, type Painter } from './pdf-canvas.js';
import { SANS } from './pdf-fonts.js';

const INK = '#1f2937';

export interface PdfLabelProps {
  text: string;
  size: number;
  bold?: boolean;
  colour?: string;
  /** Margins around the line. */
  style?: Style;
  minPresenceAhead?: number;
  /** A rule under the words (link captions). */
  underline?: boolean;
}

/** A one-line label; cut with an ellipsis if the column is narrower than the words. */
export function PdfLabel({ text, size, bold = true, colour = INK, style, minPresenceAhead, underline }: PdfLabelProps) {
  const paint = (p: Painter, width: number) => {
    const shown = fitSans(text, width, size, bold);
    p.font(fontObject(SANS, bold), size).fillColor(colour);
    p.text(shown, 0, 0, { lineBreak: false });
    if (underline) {
      const y = size * 1.02;
      p.moveTo(0, y).lineTo(sansWidth(shown, size, bold), y).lineWidth(size / 16).strokeColor(colour).stroke();
    }
    return null;
  };
  return <Canvas style={{ ...style, height: size * LINE_EM }} minPresenceAhead={minPresenceAhead} paint={paint as (p: unknown, w: number) => null} />;
}

const BADGE_SIZE = 7.5;
const BADGE_PAD_X = 5;
const BADGE_PAD_Y = 1;

/** The badge's width: the word, a space each side and the padding. */
export const badgeWidth = (severity: Severity): number => sansWidth(severity.toUpperCase(), BADGE_SIZE, true) + 2 * BADGE_PAD_X + 2 * sansWidth(' ', BADGE_SIZE, true);

/** The severity in its colours, a rounded box as wide as the word. */
export function PdfBadge({ severity, style }: { severity: Severity; style?: Style }) {
  const c = severityColour[severity];
  const label = severity.toUpperCase();
  const textWidth = sansWidth(label, BADGE_SIZE, true);
  const width = badgeWidth(severity);
  const height = BADGE_SIZE * LINE_EM + 2 * BADGE_PAD_Y;
  const paint = (p: Painter) => {
    p.roundedRect(0, 0, width, height, 2).fillColor(c.bg).fill();
    p.font(fontObject(SANS, true), BADGE_SIZE).fillColor(c.fg);
    p.text(label, (width - textWidth) / 2, BADGE_PAD_Y, { lineBreak: false });
    return null;
  };
  return <Canvas style={{ ...style, width, height }} paint={paint as (p: unknown) => null} />;
}
