// Reads an EHLO reply into the facts a consultant cares about.
import type { EhloFacts } from '../../shared/assessment.js';

/** Keywords of the EHLO reply (lines after the greeting), each `KEYWORD params`. */
export function ehloKeywords(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const [word, ...rest] = line.trim().split(/\s+/);
    if (!word) continue;
    // Old Microsoft servers announce AUTH=LOGIN as well as AUTH LOGIN.
    const key = word.toUpperCase().replace(/=.*/, '');
    const params = [word.includes('=') ? word.slice(word.indexOf('=') + 1) : '', ...rest].filter(Boolean).join(' ');
    out.set(key, out.has(key) && params ? `${out.get(key)} ${params}`.trim() : params);
  }
  return out;
}

export function ehloFacts(lines: string[], heloFallback: boolean): EhloFacts {
  const kw = ehloKeywords(lines);
  const has = (k: string) => kw.has(k);
  const sizeParam = kw.get('SIZE');
  let size: number | null = null;
  if (sizeParam !== undefined) {
    const n = Number.parseInt(sizeParam, 10);
    size = Number.isFinite(n) && n > 0 ? n : 0;
  }
  const auth = [...new Set((kw.get('AUTH') ?? '').toUpperCase().split(/\s+/).filter(Boolean))];
  return {
    extensions: lines.slice(1).map((l) => l.trim()).filter(Boolean),
    size,
    dsn: has('DSN'),
    auth,
    starttls: has('STARTTLS'),
    pipelining: has('PIPELINING'),
    chunking: has('CHUNKING'),
    eightBitMime: has('8BITMIME'),
    smtputf8: has('SMTPUTF8'),
    vrfy: has('VRFY'),
    expn: has('EXPN'),
    etrn: has('ETRN'),
    turn: has('TURN') || has('ATRN'),
    xexch50: has('XEXCH50'),
    xlink2state: has('X-LINK2STATE'),
    heloFallback,
  };
}
