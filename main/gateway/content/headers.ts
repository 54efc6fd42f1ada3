// Header and reply text built from what a sender controls (file names, virus names).
import type { GatewaySession } from '../session.js';

/** Printable ASCII only, bounded: a file name must never add a line to a reply or a header. */
export const replySafe = (text: string, max = 100): string => {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
};

/** A header for the stored message (the core starts each transaction with none). */
export function addHeader(session: GatewaySession, name: string, value: string): void {
  session.addHeaders.push(`${name}: ${replySafe(value, 900)}`);
}
