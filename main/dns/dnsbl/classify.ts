// What one DNSBL answer means, and what a zone's three answers (two RFC 5782 test points and
// the target) let us believe. An error answer is never a listing; a zone that fails its
// self-test is not believed either way.
import type { DnsblZone } from './zones.js';

export type RblStatus = 'listed' | 'clean' | 'refused' | 'unreliable' | 'timeout' | 'dead';

export type Answer =
  | { kind: 'listed'; codes: string[] }
  | { kind: 'clean' }
  | { kind: 'refused'; codes: string[]; meaning: string }
  | { kind: 'timeout' }
  | { kind: 'broken'; codes: string[]; reason: string };

export interface Verdict {
  status: Exclude<RblStatus, 'dead'>;
  codes: string[];
  /** Meaning of the codes for a listing or a refusal; why, for an unreliable zone or a timeout. */
  meaning: string | null;
}

/** A records of a query: error codes first, then anything outside 127/8, then a listing. */
export function classifyCodes(zone: DnsblZone, codes: string[]): Answer {
  const errors = codes.filter((c) => c in zone.errors);
  if (errors.length) return { kind: 'refused', codes, meaning: errors.map((c) => `${c}: ${zone.errors[c]}`).join('; ') };
  // RFC 5782 2.1: entries are in 127.0.0.0/8; anything else is a resolver rewriting NXDOMAIN
  // or a parked domain, not a list.
  const outside = codes.filter((c) => !c.startsWith('127.'));
  if (outside.length) return { kind: 'broken', codes, reason: `answer outside 127.0.0.0/8 (${outside.join(', ')}): not a DNSBL answer` };
  return codes.length ? { kind: 'listed', codes } : { kind: 'clean' };
}

/** Resolver errors carry node's codes: NXDOMAIN and no-data mean "not listed". */
export function classifyError(err: unknown): Answer {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'ENODATA') return { kind: 'clean' };
  if (code === 'ETIMEOUT') return { kind: 'timeout' };
  if (code === 'EREFUSED') return { kind: 'refused', codes: [], meaning: 'the DNS server refused the query (REFUSED)' };
  if (code === 'ESERVFAIL') return { kind: 'broken', codes: [], reason: "SERVFAIL: the list's name servers gave no answer" };
  return { kind: 'broken', codes: [], reason: code ?? (err as Error)?.message ?? String(err) };
}

export function listingMeaning(zone: DnsblZone, codes: string[]): string {
  return codes.map((c) => `${c}: ${zone.codes[c] ?? 'listed (code not documented for this list)'}`).join('; ');
}

export interface ZoneAnswers {
  /** Answer for the test point that must be listed, and the one that must not. */
  listedPoint: Answer;
  unlistedPoint: Answer;
  target: Answer;
  points: { listed: string; unlisted: string };
}

export function verdict(zone: DnsblZone, a: ZoneAnswers): Verdict {
  const all = [a.target, a.listedPoint, a.unlistedPoint];
  const refused = all.find((x) => x.kind === 'refused');
  if (refused) return { status: 'refused', codes: refused.codes, meaning: refused.meaning };
  if (all.some((x) => x.kind === 'timeout')) return { status: 'timeout', codes: [], meaning: 'no answer within the resolver timeout' };
  const broken = all.find((x) => x.kind === 'broken');
  if (broken) return { status: 'unreliable', codes: broken.codes, meaning: broken.reason };
  if (a.listedPoint.kind !== 'listed') {
    return { status: 'unreliable', codes: [], meaning: `RFC 5782 self-test failed: test point ${a.points.listed} is not listed` };
  }
  if (a.unlistedPoint.kind === 'listed') {
    const codes = a.unlistedPoint.codes.join(', ');
    return { status: 'unreliable', codes: a.unlistedPoint.codes, meaning: `RFC 5782 self-test failed: test point ${a.points.unlisted} is listed (${codes})` };
  }
  if (a.target.kind === 'listed') return { status: 'listed', codes: a.target.codes, meaning: listingMeaning(zone, a.target.codes) };
  return { status: 'clean', codes: [], meaning: null };
}
