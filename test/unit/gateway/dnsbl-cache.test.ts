// The block-list answer cache against the lab DNS server (node's Resolver, real UDP): answers are
// kept for their TTL within [1 min, 1 h], "not listed" for a minute, errors not at all; concurrent
// questions for one name share one query. The clock is a parameter, so expiry is tested exactly.
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDnsblQuery } from '../../../main/gateway/connection/dnsbl-cache.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';

const ZONES = {
  '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'] },
  'broken.bl.lab.test': { rcode: 'SERVFAIL' as const },
};

describe.each([
  { ttl: 300, keptMs: 300_000 },
  { ttl: 5, keptMs: 60_000 }, // below postscreen's minimum
  { ttl: 86_400, keptMs: 3_600_000 }, // above its maximum
])('a listing with TTL $ttl s', ({ ttl, keptMs }) => {
  let dns: LabDnsServer;
  beforeAll(async () => {
    dns = await startLabDns(ZONES, { ttl });
  });
  afterAll(() => dns.stop());

  it(`is kept ${keptMs / 1000} s`, async () => {
    const r = new Resolver({ timeout: 2000, tries: 1 });
    r.setServers([dns.server]);
    let t = 1_000_000;
    const q = cachedDnsblQuery(r, () => t);
    const before = dns.queries();
    expect(await q.query('2.0.0.127.bl.lab.test')).toEqual(['127.0.0.2']);
    t += keptMs - 1;
    expect(await q.query('2.0.0.127.bl.lab.test')).toEqual(['127.0.0.2']);
    expect(dns.queries() - before).toBe(1);
    t += 1;
    expect(await q.query('2.0.0.127.bl.lab.test')).toEqual(['127.0.0.2']);
    expect(dns.queries() - before).toBe(2);
  });
});

describe('not listed, errors, concurrency', () => {
  let dns: LabDnsServer;
  let r: Resolver;
  beforeAll(async () => {
    dns = await startLabDns(ZONES);
    r = new Resolver({ timeout: 2000, tries: 1 });
    r.setServers([dns.server]);
  });
  afterAll(() => dns.stop());

  it('"not listed" (NXDOMAIN) is kept a minute, with its error code', async () => {
    let t = 0;
    const q = cachedDnsblQuery(r, () => t);
    const before = dns.queries();
    await expect(q.query('9.9.9.9.bl.lab.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    t = 59_999;
    await expect(q.query('9.9.9.9.bl.lab.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(dns.queries() - before).toBe(1);
    t = 60_000;
    await expect(q.query('9.9.9.9.bl.lab.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(dns.queries() - before).toBe(2);
  });

  it('a SERVFAIL is not cached', async () => {
    const q = cachedDnsblQuery(r, () => 0);
    const before = dns.queries();
    await expect(q.query('broken.bl.lab.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    await expect(q.query('broken.bl.lab.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(dns.queries() - before).toBe(2);
    expect(q.size()).toBe(0);
  });

  it('concurrent questions for one name are one query', async () => {
    const q = cachedDnsblQuery(r, () => 0);
    const before = dns.queries();
    const all = await Promise.all(Array.from({ length: 20 }, () => q.query('2.0.0.127.bl.lab.test')));
    expect(all.every((a) => a[0] === '127.0.0.2')).toBe(true);
    expect(dns.queries() - before).toBe(1);
  });

  it('is bounded: the oldest name is forgotten first', async () => {
    const q = cachedDnsblQuery(r, () => 0, { minTtlMs: 60_000, maxTtlMs: 3_600_000, negativeTtlMs: 60_000, maxEntries: 2 });
    for (const n of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) await q.query(`${n}.bl.lab.test`).catch(() => {});
    expect(q.size()).toBe(2);
    const before = dns.queries();
    await q.query('3.3.3.3.bl.lab.test').catch(() => {});
    expect(dns.queries() - before).toBe(0);
    await q.query('1.1.1.1.bl.lab.test').catch(() => {});
    expect(dns.queries() - before).toBe(1);
  });
});
