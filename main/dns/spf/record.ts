// SPF record text (RFC 7208 sections 3-4): which TXT records are SPF records, and their terms.
import { validateTerms } from 'mailauth/lib/spf/syntax.js';

export type Qualifier = '+' | '-' | '~' | '?';

export interface SpfTerm {
  /** The term as published. */
  raw: string;
  /** Mechanism or modifier name, lower case. */
  name: string;
  modifier: boolean;
  /** Mechanisms only; '+' when omitted. */
  qualifier?: Qualifier;
  /** The domain-spec: of include, exists, redirect, exp, and of a, mx, ptr when given. */
  domainSpec: string | null;
}

/** Section 4.5: "v=spf1" followed by a space or the end of the record, in any case. */
export const isSpfRecord = (text: string): boolean => /^v=spf1( |$)/i.test(text);

/** The SPF records among a name's TXT records; the strings of each are joined without spaces (section 3.3). */
export function spfRecordsOf(txt: string[][]): string[] {
  return txt.map((strings) => strings.join('')).filter(isSpfRecord);
}

/** Terms after the version, split on spaces as the grammar does (section 4.6.1). */
export function termsOf(record: string): string[] {
  return record.split(' ').slice(1).filter(Boolean);
}

/** The first RFC 7208 syntax error of the record (mailauth's strict grammar), or null. */
export function syntaxError(record: string): string | null {
  if (/[^\x20-\x7e]/.test(record)) return 'characters outside printable US-ASCII';
  return validateTerms(termsOf(record)) || null;
}

const DOMAIN_SPEC_MECHANISMS = ['include', 'exists', 'a', 'mx', 'ptr'];

/** Parses a term that passed syntaxError(). */
export function parseTerm(raw: string): SpfTerm {
  // A modifier's "=" comes before any ":" or "/" (redirect=a.test, but a:x=y.test is a mechanism).
  const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
  if (modifier) {
    const name = modifier[1].toLowerCase();
    return { raw, name, modifier: true, domainSpec: name === 'redirect' || name === 'exp' ? modifier[2] : null };
  }
  const [, q, mechanism, rest] = /^([+\-~?]?)([^:/]*)(.*)$/.exec(raw)!; // matches any string
  const name = mechanism.toLowerCase();
  let domainSpec: string | null = null;
  if (DOMAIN_SPEC_MECHANISMS.includes(name) && rest.startsWith(':')) {
    // a and mx may end in a dual CIDR length (a:mail.example.com/24//64).
    domainSpec = name === 'a' || name === 'mx' ? rest.slice(1).replace(/(\/\d+)?(\/\/\d+)?$/, '') : rest.slice(1);
  }
  return { raw, name, modifier: false, qualifier: (q || '+') as Qualifier, domainSpec };
}

/** A domain-spec with macros depends on the client, so it cannot be followed without one. */
export const hasMacro = (domainSpec: string): boolean => domainSpec.includes('%');
