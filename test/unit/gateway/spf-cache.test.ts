import { describe, expect, it } from 'vitest';
import { createSpfCache } from '../../../main/gateway/spf-cache.js';
import type { SpfEvaluation, SpfResult } from '../../../main/dns/spf/evaluate.js';

const key = { ip: '192.0.2.1', sender: 'a@example.org', helo: 'mx.example.org' };

/** An evaluator that counts its calls and answers `result`. */
function evaluator(result: SpfResult) {
  const e = { calls: 0, run: async () => (e.calls++, { result } as SpfEvaluation) };
  return e;
}

describe('SPF result cache', () => {
  it('answers the same key from memory for the TTL, then evaluates again', async () => {
    const cache = createSpfCache({ ttlMs: 60_000, maxEntries: 10 });
    const e = evaluator('pass');
    expect((await cache.check(key, 0, e.run)).result).toBe('pass');
    expect((await cache.check(key, 59_999, e.run)).result).toBe('pass');
    expect(e.calls).toBe(1);
    await cache.check(key, 60_000, e.run);
    expect(e.calls).toBe(2);
  });

  it('every input is in the key: another IP, sender or HELO is evaluated afresh', async () => {
    const cache = createSpfCache({ ttlMs: 60_000, maxEntries: 10 });
    const e = evaluator('fail');
    await cache.check(key, 0, e.run);
    await cache.check({ ...key, ip: '192.0.2.2' }, 0, e.run);
    await cache.check({ ...key, sender: 'b@example.org' }, 0, e.run);
    await cache.check({ ...key, sender: 'A@example.org' }, 0, e.run);
    await cache.check({ ...key, helo: 'other.example.org' }, 0, e.run);
    expect(e.calls).toBe(5);
  });

  it('concurrent checks share one evaluation; temporary errors and failures are not kept', async () => {
    const cache = createSpfCache({ ttlMs: 60_000, maxEntries: 10 });
    const e = evaluator('pass');
    await Promise.all([cache.check(key, 0, e.run), cache.check(key, 0, e.run), cache.check(key, 0, e.run)]);
    expect(e.calls).toBe(1);
    const t = evaluator('temperror');
    const k2 = { ...key, ip: '192.0.2.9' };
    await cache.check(k2, 0, t.run);
    await cache.check(k2, 1, t.run);
    expect(t.calls).toBe(2);
    const k3 = { ...key, ip: '192.0.2.10' };
    await expect(cache.check(k3, 0, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((r) => setImmediate(r));
    expect((await cache.check(k3, 1, e.run)).result).toBe('pass');
  });

  it('holds at most maxEntries, the oldest dropped first', async () => {
    const cache = createSpfCache({ ttlMs: 60_000, maxEntries: 3 });
    const e = evaluator('none');
    for (let i = 0; i < 10; i++) await cache.check({ ...key, ip: `192.0.2.${i}` }, 0, e.run);
    expect(cache.size()).toBe(3);
    await cache.check({ ...key, ip: '192.0.2.9' }, 0, e.run);
    expect(e.calls).toBe(10);
    await cache.check({ ...key, ip: '192.0.2.0' }, 0, e.run);
    expect(e.calls).toBe(11);
  });
});
