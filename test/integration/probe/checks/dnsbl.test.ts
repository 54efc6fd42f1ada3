// The dnsbl check through the real engine, against fixture block lists served by the lab DNS
// server. Every question goes to that server on loopback (rblOnly, or a loopback target):
// no public block list is ever asked.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsbl from '../../../../main/probe/checks/dnsbl.js';
import type { ZoneChoice } from '../../../../main/dns/dnsbl/select.js';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver, type DnsResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../../support/lab-dns.js';

// Targets on loopback, away from the RFC 5782 test points 127.0.0.1 and 127.0.0.2.
const TARGET = '127.0.0.5';
const OTHER_TARGET = '127.0.0.6';
const v6Point = (last: string) => `${last}.0.0.0.0.0.f.7.f.f.f.f${'.0'.repeat(20)}`;
const V6_LOOPBACK = `1${'.0'.repeat(31)}`;

const zones: ZoneData = {
  // Passes its self-test and lists the target, with a reason split over two TXT strings.
  '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'] },
  '5.0.0.127.bl.lab.test': { A: ['127.0.0.2', '127.0.0.10'], TXT: [['Listed for spam trap hits, see ', 'https://bl.lab.test/lookup?127.0.0.5']] },
  '2.0.0.127.clean.lab.test': { A: ['127.0.0.2'] },
  // What Spamhaus answers to every query that comes through a public resolver.
  '*.refused.lab.test': { A: ['127.255.255.254'] },
  // Lists the target but not the test point 127.0.0.2.
  '5.0.0.127.notest.lab.test': { A: ['127.0.0.2'] },
  // Lists everything, 127.0.0.1 included, as dead lists have done.
  '*.world.lab.test': { A: ['127.0.0.2'] },
  '*.broken.lab.test': { rcode: 'SERVFAIL' },
  '*.slow.lab.test': { A: ['127.0.0.2'], delayMs: 3000 },
  [`${v6Point('2')}.v6.lab.test`]: { A: ['127.0.0.2'] },
  [`${V6_LOOPBACK}.v6.lab.test`]: { A: ['127.0.0.4'], TXT: ['IPv6 loopback listed for the test'] },
};

let dns: LabDnsServer;
const listeners: net.Server[] = [];
const ports = new Map<string, number>();
beforeAll(async () => {
  dns = await startLabDns(zones);
  // The engine checks TCP reachability first: a greeting is all these targets need. It hangs
  // up at once, so a reset while we write is expected.
  for (const address of [TARGET, OTHER_TARGET, '::1']) {
    const server = net.createServer((socket) => socket.on('error', () => {}).end('220 x ESMTP\r\n'));
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    listeners.push(server);
    ports.set(address, (server.address() as net.AddressInfo).port);
  }
});
afterAll(async () => {
  await Promise.all(listeners.map((s) => new Promise((resolve) => s.close(resolve))));
  await dns?.stop();
});

/** The lab resolver, recording every question. */
function labResolver(timeoutMs = 1000): DnsResolver & { asked: string[] } {
  const inner = createResolver([dns.server], timeoutMs, 1);
  const asked: string[] = [];
  return { ...inner, asked, query: (name, type) => (asked.push(`${name}/${type}`), inner.query(name, type)) };
}

async function probe(choice: ZoneChoice, opts: { targets?: string[]; resolver?: DnsResolver & { asked: string[] } } = {}) {
  const resolver = opts.resolver ?? labResolver();
  const options = Object.assign(probeOptions({ timeouts: { connectMs: 1000, commandMs: 1000, sessionMs: 5000 } }), choice);
  const targets = (opts.targets ?? [TARGET]).map((host) => ({ host, port: ports.get(host)! }));
  const a = await runProbe({ targets, domain: null, checks: ['dnsbl'], checkDefinitions: [dnsbl], options, resolver });
  const rbl = a.facts.rbl as { zone: string; status: string; codes: string[]; meaning: string | null; txt: string | null }[];
  return { a, rbl, asked: resolver.asked, statuses: Object.fromEntries(rbl.map((r) => [r.zone, r.status])) };
}

describe('dnsbl check against lab block lists', () => {
  it('believes a self-tested listing (codes, meaning, TXT reason) and nothing from lists that fail the test', async () => {
    const { a, rbl, asked, statuses } = await probe({
      rblZones: ['bl.lab.test', 'clean.lab.test', 'refused.lab.test', 'notest.lab.test', 'world.lab.test', 'broken.lab.test'],
      rblOnly: true,
    });
    expect(statuses).toEqual({
      'bl.lab.test': 'listed',
      'clean.lab.test': 'clean',
      'refused.lab.test': 'refused',
      'notest.lab.test': 'unreliable',
      'world.lab.test': 'unreliable',
      'broken.lab.test': 'unreliable',
    });
    expect(rbl[0]).toEqual({
      zone: 'bl.lab.test',
      address: TARGET,
      status: 'listed',
      codes: ['127.0.0.2', '127.0.0.10'],
      meaning: '127.0.0.2: listed (code not documented for this list); 127.0.0.10: listed (code not documented for this list)',
      txt: 'Listed for spam trap hits, see https://bl.lab.test/lookup?127.0.0.5',
    });
    expect(rbl.find((r) => r.zone === 'notest.lab.test')?.meaning).toMatch(/test point 127\.0\.0\.2 is not listed/);
    expect(rbl.find((r) => r.zone === 'world.lab.test')?.meaning).toMatch(/test point 127\.0\.0\.1 is listed/);

    expect(a.checks[0]).toMatchObject({ id: 'dnsbl', status: 'fail' });
    expect(a.findings.map((f) => [f.id, f.evidence.zone])).toEqual([
      ['dns.rbl-listed', 'bl.lab.test'],
      ['dns.rbl-query-refused', 'refused.lab.test'],
      ['dns.rbl-unreliable', 'notest.lab.test'],
      ['dns.rbl-unreliable', 'world.lab.test'],
      ['dns.rbl-unreliable', 'broken.lab.test'],
    ]);
    const listed = a.findings[0];
    expect(listed).toMatchObject({ severity: 'high', host: TARGET, references: ['RFC 5782', 'RFC 6471'] });
    expect(listed.description).toContain('bl.lab.test lists 127.0.0.5: 127.0.0.2: listed');
    expect(listed.description).toContain(`The list's reason: "Listed for spam trap hits, see https://bl.lab.test/lookup?127.0.0.5"`);
    expect(listed.evidence).toMatchObject({ query: '5.0.0.127.bl.lab.test', codes: ['127.0.0.2', '127.0.0.10'] });

    // Three questions per zone and one TXT for the listing: none twice, none outside the lab.
    expect(asked).toHaveLength(6 * 3 + 1);
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked.filter((q) => q.endsWith('/TXT'))).toEqual(['5.0.0.127.bl.lab.test/TXT']);
    expect(asked.every((q) => /\.lab\.test\/(A|TXT)$/.test(q))).toBe(true);
  });

  it('a list answering 127.255.255.254 for everything: refused, the check warns, never "listed"', async () => {
    const { a, rbl } = await probe({ rblZones: ['refused.lab.test'], rblOnly: true });
    expect(rbl).toEqual([
      { zone: 'refused.lab.test', address: TARGET, status: 'refused', codes: ['127.255.255.254'], meaning: '127.255.255.254: query refused: it came through a public or open resolver', txt: null },
    ]);
    expect(a.checks[0].status).toBe('warn');
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ id: 'dns.rbl-query-refused', severity: 'low' });
    expect(a.findings[0].description).toMatch(/refused\.lab\.test answered 127\.255\.255\.254: .*public or open resolver/);
    expect(a.findings[0].remediation).toMatch(/own recursive resolver.*Data Query Service/);
  });

  it('a list slower than the resolver timeout: timeout; with no usable answer at all the check is inconclusive', async () => {
    const mixed = await probe({ rblZones: ['slow.lab.test', 'clean.lab.test'], rblOnly: true }, { resolver: labResolver(300) });
    expect(mixed.statuses).toEqual({ 'slow.lab.test': 'timeout', 'clean.lab.test': 'clean' });
    expect(mixed.a.findings.map((f) => [f.id, f.severity])).toEqual([['dns.rbl-timeout', 'info']]);
    expect(mixed.a.checks[0].status).toBe('pass');

    const alone = await probe({ rblZones: ['slow.lab.test'], rblOnly: true }, { resolver: labResolver(300) });
    expect(alone.a.checks[0]).toMatchObject({ status: 'error', reason: 'inconclusive: no block list gave a usable answer (1 timeout)' });
    expect(alone.statuses).toEqual({ 'slow.lab.test': 'timeout' });
  });

  it('a dead list (SORBS) is reported and never asked', async () => {
    const { a, asked, statuses } = await probe({ rblZones: ['dnsbl.sorbs.net', 'clean.lab.test'], rblOnly: true });
    expect(statuses).toEqual({ 'dnsbl.sorbs.net': 'dead', 'clean.lab.test': 'clean' });
    expect(a.findings.map((f) => f.id)).toEqual(['dns.rbl-dead-list']);
    expect(a.findings[0].description).toMatch(/shut down on 2024-06-05/);
    expect(asked.some((q) => q.includes('sorbs'))).toBe(false);
  });

  it('an IPv6 target is asked by nibbles, with the IPv6 test points', async () => {
    const { a, rbl, asked } = await probe({ rblZones: ['v6.lab.test'], rblOnly: true }, { targets: ['::1'] });
    expect(rbl).toEqual([
      { zone: 'v6.lab.test', address: '::1', status: 'listed', codes: ['127.0.0.4'], meaning: '127.0.0.4: listed (code not documented for this list)', txt: 'IPv6 loopback listed for the test' },
    ]);
    expect(asked).toEqual(
      expect.arrayContaining([`${v6Point('2')}.v6.lab.test/A`, `${v6Point('1')}.v6.lab.test/A`, `${V6_LOOPBACK}.v6.lab.test/A`]),
    );
    expect(a.findings[0].evidence.query).toBe(`${V6_LOOPBACK}.v6.lab.test`);
  });

  it('a loopback target without rblOnly: only the given zones are asked, never the public lists', async () => {
    const { statuses, asked } = await probe({ rblZones: ['clean.lab.test'] });
    expect(statuses).toEqual({ 'clean.lab.test': 'clean' });
    expect(asked.every((q) => q.endsWith('.clean.lab.test/A'))).toBe(true);
  });

  it('several hosts in one run: the test points are asked once', async () => {
    const resolver = labResolver();
    const { a, asked } = await probe({ rblZones: ['clean.lab.test'], rblOnly: true }, { targets: [TARGET, OTHER_TARGET], resolver });
    expect(a.hosts.map((h) => (h.facts.rbl as { status: string }[])[0].status)).toEqual(['clean', 'clean']);
    expect(resolver.stats()).toEqual({ queries: 4, cacheHits: 2 });
    expect(new Set(asked).size).toBe(4);
  });
});
