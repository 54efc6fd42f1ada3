// SPF results remembered for a minute per (client IP, full sender, HELO): a sender's mail comes
// in bursts (a list, a bulk run, a retrying queue), and each check_host() costs several DNS round
// trips and ~0.1-0.3 ms of CPU. Every input of check_host() (and of its macros) is in the key, so
// a cached result is the one a new evaluation would give while the DNS data stands. Concurrent
// checks of one key share one evaluation. Temporary errors are not kept: the next try asks again.
import type { SpfEvaluation } from '../dns/spf/evaluate.js';

export interface SpfCacheLimits {
  ttlMs: number;
  maxEntries: number;
}

export const DEFAULT_SPF_CACHE: SpfCacheLimits = { ttlMs: 60_000, maxEntries: 10_000 };

export interface SpfCache {
  /** `now`: the gateway's clock (ms). */
  check(key: { ip: string; sender: string; helo: string }, now: number, evaluate: () => Promise<SpfEvaluation>): Promise<SpfEvaluation>;
  size(): number;
}

export function createSpfCache(limits: SpfCacheLimits = DEFAULT_SPF_CACHE): SpfCache {
  const entries = new Map<string, { at: number; result: Promise<SpfEvaluation> }>();
  return {
    check({ ip, sender, helo }, t, evaluate) {
      const key = `${ip}\n${sender}\n${helo}`;
      const hit = entries.get(key);
      if (hit && t - hit.at < limits.ttlMs) return hit.result;
      entries.delete(key);
      const result = evaluate();
      const entry = { at: t, result };
      entries.set(key, entry);
      // Oldest first out (insertion order): bounded whatever the clients send.
      while (entries.size > limits.maxEntries) entries.delete(entries.keys().next().value!);
      const forget = () => entries.get(key) === entry && entries.delete(key);
      result.then((ev) => ev.result === 'temperror' && forget(), forget);
      return result;
    },
    size: () => entries.size,
  };
}
