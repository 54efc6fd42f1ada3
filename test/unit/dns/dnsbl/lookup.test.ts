// Asking the zones, against an in-memory DNS: bounded parallelism, no question asked twice,
// the TXT reason only for a believed listing, dead lists never asked.
import { describe, expect, it } from 'vitest';
import { lookupZones, type DnsQuery } from '../../../../main/dns/dnsbl/lookup.js';
import { describeZone } from '../../../../main/dns/dnsbl/zones.js';

type Records = Record<string, { A?: string[]; TXT?: string[][] }>;

/** Answers from `records` after a few ms, NXDOMAIN otherwise; counts questions in flight. */
function fakeDns(records: Records) {
  const asked: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const query: DnsQuery = async (name, type) => {
    asked.push(`${name}/${type}`);
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, 3));
    inFlight--;
    const answer = records[name]?.[type as 'A' | 'TXT'];
    if (answer) return answer;
    throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return { query, asked, peak: () => peak };
}

const selfTesting = (zone: string): Records => ({ [`2.0.0.127.${zone}`]: { A: ['127.0.0.2'] } });

describe('lookupZones', () => {
  it('keeps 8 questions in flight at most and asks each question once', async () => {
    const zones = Array.from({ length: 20 }, (_, i) => describeZone(`bl${i}.lab.test`));
    const dns = fakeDns(Object.assign({}, ...zones.map((z) => selfTesting(z.zone))));
    const results = await lookupZones(zones, '192.0.2.1', dns.query);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill('clean'));
    expect(dns.peak()).toBe(8);
    expect(dns.asked).toHaveLength(60);
    expect(new Set(dns.asked).size).toBe(60);
  });

  it('honours another bound', async () => {
    const zones = Array.from({ length: 5 }, (_, i) => describeZone(`bl${i}.lab.test`));
    const dns = fakeDns({});
    await lookupZones(zones, '192.0.2.1', dns.query, { concurrency: 2 });
    expect(dns.peak()).toBe(2);
  });

  it('fetches the TXT reason of a listing (strings joined, records apart), and nothing more', async () => {
    const dns = fakeDns({
      ...selfTesting('bl.lab.test'),
      '1.2.0.192.bl.lab.test': { A: ['127.0.0.2'], TXT: [['Listed: spam trap hit, see ', 'https://bl.lab.test/?192.0.2.1'], ['second record']] },
      ...selfTesting('clean.lab.test'),
    });
    const results = await lookupZones([describeZone('bl.lab.test'), describeZone('clean.lab.test')], '192.0.2.1', dns.query);
    expect(results[0]).toEqual({
      zone: 'bl.lab.test',
      address: '192.0.2.1',
      status: 'listed',
      codes: ['127.0.0.2'],
      meaning: '127.0.0.2: listed (code not documented for this list)',
      txt: 'Listed: spam trap hit, see https://bl.lab.test/?192.0.2.1 | second record',
    });
    expect(results[1]).toMatchObject({ status: 'clean', txt: null });
    expect(dns.asked.filter((q) => q.endsWith('/TXT'))).toEqual(['1.2.0.192.bl.lab.test/TXT']);
  });

  it('a listing without a TXT record is still a listing', async () => {
    const dns = fakeDns({ ...selfTesting('bl.lab.test'), '1.2.0.192.bl.lab.test': { A: ['127.0.0.3'] } });
    const [r] = await lookupZones([describeZone('bl.lab.test')], '192.0.2.1', dns.query);
    expect(r).toMatchObject({ status: 'listed', codes: ['127.0.0.3'], txt: null });
  });

  it('uses the IPv6 test points for an IPv6 address', async () => {
    const v6 = (prefix: string) => `${prefix}.0.0.0.0.0.f.7.f.f.f.f${'.0'.repeat(20)}.v6.lab.test`;
    const dns = fakeDns({ [v6('2')]: { A: ['127.0.0.2'] } });
    const [r] = await lookupZones([describeZone('v6.lab.test')], '2001:db8::1', dns.query);
    expect(r.status).toBe('clean');
    expect(dns.asked).toEqual(expect.arrayContaining([`${v6('2')}/A`, `${v6('1')}/A`, `1${'.0'.repeat(23)}.8.b.d.0.1.0.0.2.v6.lab.test/A`]));
  });

  it('never asks a dead list', async () => {
    const dns = fakeDns({});
    const [r] = await lookupZones([describeZone('dnsbl.sorbs.net')], '192.0.2.1', dns.query);
    expect(r).toMatchObject({ zone: 'dnsbl.sorbs.net', status: 'dead', meaning: expect.stringMatching(/2024-06-05/) });
    expect(dns.asked).toEqual([]);
  });

  it('sends no queued question once the check is abandoned', async () => {
    const zones = Array.from({ length: 10 }, (_, i) => describeZone(`bl${i}.lab.test`));
    const dns = fakeDns({});
    const controller = new AbortController();
    const running = lookupZones(zones, '192.0.2.1', dns.query, { concurrency: 2, signal: controller.signal });
    controller.abort(new Error('timed out'));
    await running;
    expect(dns.asked.length).toBe(2);
  });
});
