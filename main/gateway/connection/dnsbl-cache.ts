// Block-list answers cached per query name, as Postfix's postscreen caches them: an answer is
// kept for its DNS TTL, but at least a minute and at most an hour (postscreen_dnsbl_min_ttl and
// postscreen_dnsbl_max_ttl); "not listed" (NXDOMAIN, no A record) for a minute. Other errors
// (timeouts, SERVFAIL, refusals) are never cached: the next client asks again. Without this, a
// gateway asks every list once per connection, also for a client that connects again and again.
import type { Resolver } from 'node:dns/promises';
import type { AQuery } from './zone-health.js';

export interface DnsblCacheLimits {
  minTtlMs: number;
  maxTtlMs: number;
  negativeTtlMs: number;
  maxEntries: number;
}

export const DNSBL_CACHE_LIMITS: DnsblCacheLimits = { minTtlMs: 60_000, maxTtlMs: 3_600_000, negativeTtlMs: 60_000, maxEntries: 100_000 };

/** node's codes for "the name or the record does not exist": a clean answer from a block list. */
const NOT_LISTED = new Set(['ENOTFOUND', 'ENODATA']);

interface Entry {
  until: number;
  answer: string[] | NodeJS.ErrnoException;
}

export interface CachedQuery {
  query: AQuery;
  /** Names cached right now. */
  size(): number;
}

export function cachedDnsblQuery(resolver: Pick<Resolver, 'resolve4'>, now: () => number, limits: DnsblCacheLimits = DNSBL_CACHE_LIMITS): CachedQuery {
  const cache = new Map<string, Entry>();
  /** Questions in flight, so concurrent sessions from one client share one. */
  const inFlight = new Map<string, Promise<string[]>>();
  const remember = (name: string, answer: Entry['answer'], ttlMs: number) => {
    cache.delete(name); // re-inserted last: the map's order is the age order
    cache.set(name, { until: now() + ttlMs, answer });
    if (cache.size > limits.maxEntries) cache.delete(cache.keys().next().value!);
  };
  const ask = async (name: string): Promise<string[]> => {
    try {
      const records = await resolver.resolve4(name, { ttl: true });
      const ttlMs = Math.min(limits.maxTtlMs, Math.max(limits.minTtlMs, Math.min(...records.map((r) => r.ttl)) * 1000));
      const addresses = records.map((r) => r.address);
      remember(name, addresses, ttlMs);
      return addresses;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code && NOT_LISTED.has(e.code)) remember(name, e, limits.negativeTtlMs);
      throw e;
    }
  };
  return {
    query(name) {
      const hit = cache.get(name);
      if (hit && hit.until > now()) return Array.isArray(hit.answer) ? Promise.resolve(hit.answer) : Promise.reject(hit.answer);
      if (hit) cache.delete(name);
      let p = inFlight.get(name);
      if (!p) {
        p = ask(name).finally(() => inFlight.delete(name));
        inFlight.set(name, p);
      }
      return p;
    },
    size: () => cache.size,
  };
}
