// Header and reply text built from what a sender controls (file names, virus names, rules).
import type { GatewaySession } from '../session.js';

/** Printable ASCII only, bounded: a file name must never add a line to a reply or a header. */
export const replySafe = (text: string, max = 100): string => {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
};

/**
 * Sets (or with null removes) a header for the stored message. The core keeps addHeaders for
 * the whole session, so a layer replaces its value from an earlier message of the session.
 */
export function setHeader(session: GatewaySession, name: string, value: string | null): void {
  const prefix = `${name.toLowerCase()}:`;
  session.addHeaders = session.addHeaders.filter((h) => !h.toLowerCase().startsWith(prefix));
  if (value !== null) session.addHeaders.push(`${name}: ${replySafe(value, 900)}`);
}
