// Asks every zone about one address: the two RFC 5782 test points and the address itself,
// all through one limiter; the TXT reason only for a believed listing. The resolver caches
// per run, so test points are asked once per run however many hosts are probed.
import type { DnsResolver } from '../../net/resolver.js';
import { TEST_POINTS, dnsblQueryName, familyOf } from './address.js';
import { classifyCodes, classifyError, verdict, type Answer, type RblStatus } from './classify.js';
import { createLimiter } from './limit.js';
import type { DnsblZone } from './zones.js';

export type DnsQuery = DnsResolver['query'];

export interface RblResult {
  zone: string;
  address: string;
  status: RblStatus;
  codes: string[];
  meaning: string | null;
  /** The provider's TXT reason for a listing, records joined with " | ". */
  txt: string | null;
}

export interface LookupOptions {
  /** Questions in flight at once. */
  concurrency?: number;
  /** Stops sending queued questions once the check is abandoned. */
  signal?: AbortSignal;
}

export const DEFAULT_CONCURRENCY = 8;

export async function lookupZones(zones: readonly DnsblZone[], address: string, query: DnsQuery, opts: LookupOptions = {}): Promise<RblResult[]> {
  const limit = createLimiter(opts.concurrency ?? DEFAULT_CONCURRENCY);
  const ask: DnsQuery = (name, type) =>
    limit(() => {
      opts.signal?.throwIfAborted();
      return query(name, type);
    });
  return Promise.all(zones.map((z) => lookupZone(z, address, ask)));
}

async function lookupZone(zone: DnsblZone, address: string, ask: DnsQuery): Promise<RblResult> {
  const base = { zone: zone.zone, address, codes: [], meaning: null, txt: null };
  if (zone.dead) return { ...base, status: 'dead', meaning: zone.dead };
  const points = TEST_POINTS[familyOf(address)];
  const answer = (ip: string): Promise<Answer> =>
    ask(dnsblQueryName(ip, zone.zone), 'A').then((codes) => classifyCodes(zone, codes as string[]), classifyError);
  const [listedPoint, unlistedPoint, target] = await Promise.all([answer(points.listed), answer(points.unlisted), answer(address)]);
  const v = verdict(zone, { listedPoint, unlistedPoint, target, points });
  if (v.status !== 'listed') return { ...base, ...v };
  // The reason is a courtesy of the provider: its absence does not weaken the listing.
  const txt = await ask(dnsblQueryName(address, zone.zone), 'TXT').then(
    (records) => (records as string[][]).map((strings) => strings.join('')).join(' | ') || null,
    () => null,
  );
  return { ...base, ...v, txt };
}
