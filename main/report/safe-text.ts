// Server text is data. Every string that reaches a report goes through these: control
// characters made visible (shared/visible-text.ts) and the length bounded with a marker.
import { visible } from '../../shared/visible-text.js';

/** Longest single line shown in a report; the full text stays in the JSON. */
export const MAX_LINE_CHARS = 300;
/** Longest paragraph (descriptions, replies). */
export const MAX_PARAGRAPH_CHARS = 4000;

/** One line: a line break or tab inside it is shown, not obeyed. */
export function safeLine(text: unknown, max = MAX_LINE_CHARS): string {
  return visible(String(text ?? '').replace(/\n/g, '\\n').replace(/\t/g, '\\t'), max);
}

/** A paragraph: line breaks kept (visible() leaves LF and TAB alone), CR dropped, bounded. */
export function safeBlock(text: unknown, max = MAX_PARAGRAPH_CHARS): string {
  return visible(String(text ?? '').replace(/\r\n/g, '\n'), max);
}

/** A value of unknown shape (evidence, facts) as one bounded line. */
export function safeValue(value: unknown, max = MAX_LINE_CHARS): string {
  if (typeof value === 'string') return safeLine(value, max);
  if (value === null || value === undefined) return '-';
  if (typeof value !== 'object') return safeLine(String(value), max);
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '[unserialisable value]';
  }
  return safeLine(json, max);
}
