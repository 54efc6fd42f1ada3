// The embedded DNS server, queried through the product's own resolver over loopback.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabDns, type LabDnsServer } from '../../../main/dns/lab-dns-server.js';
import { createResolver, type DnsResolver } from '../../../main/net/resolver.js';

const longTxt = Array.from({ length: 6 }, (_, i) => `${String(i).repeat(200)}`);
let dns: LabDnsServer;
let resolver: DnsResolver;
beforeAll(async () => {
  dns = await startLabDns({
    'lab.test': { MX: [{ priority: 10, exchange: 'mx.lab.test' }], TXT: ['v=spf1 -all', ['v=spf1 ', 'ip4:127.0.0.1 ', '-all']] },
    'mx.lab.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    '1.0.0.127.in-addr.arpa': { PTR: ['mx.lab.test'] },
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa': { PTR: ['mx.lab.test'] },
    'broken.lab.test': { rcode: 'SERVFAIL' },
    'slow.lab.test': { A: ['127.0.0.9'], delayMs: 3000 },
    'alias.lab.test': { CNAME: 'mx.lab.test' },
    '*.zen.lab.test': { A: ['127.255.255.254'] },
    'big.lab.test': { TXT: [longTxt] },
  });
  resolver = createResolver([dns.server], 500, 1);
});
afterAll(() => dns.stop());

describe('lab DNS server', () => {
  it('serves A, AAAA, MX, PTR (IPv4 and IPv6) and follows CNAME', async () => {
    expect(await resolver.query('mx.lab.test', 'A')).toEqual(['127.0.0.1']);
    expect(await resolver.query('mx.lab.test', 'AAAA')).toEqual(['::1']);
    expect(await resolver.query('lab.test', 'MX')).toEqual([{ priority: 10, exchange: 'mx.lab.test' }]);
    expect(await resolver.query('1.0.0.127.in-addr.arpa', 'PTR')).toEqual(['mx.lab.test']);
    expect(await resolver.query('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', 'PTR')).toEqual(['mx.lab.test']);
    expect(await resolver.query('alias.lab.test', 'A')).toEqual(['127.0.0.1']);
  });

  it('keeps the strings of a TXT record apart', async () => {
    expect(await resolver.query('lab.test', 'TXT')).toEqual([['v=spf1 -all'], ['v=spf1 ', 'ip4:127.0.0.1 ', '-all']]);
  });

  it('answers a TXT record too big for UDP over TCP', async () => {
    expect(await resolver.query('big.lab.test', 'TXT')).toEqual([longTxt]);
  });

  it('NXDOMAIN, no data, SERVFAIL and timeouts come back as node error codes', async () => {
    await expect(resolver.query('nope.lab.test', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.query('lab.test', 'A')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.query('broken.lab.test', 'A')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    await expect(resolver.query('slow.lab.test', 'A')).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });

  it('serves wildcards, as block lists that answer everything do', async () => {
    expect(await resolver.query('2.0.0.127.zen.lab.test', 'A')).toEqual(['127.255.255.254']);
  });

  it('caches within a run: the same question is asked once', async () => {
    const r = createResolver([dns.server]);
    const before = dns.queries();
    await r.query('mx.lab.test', 'A');
    await r.query('MX.lab.test.', 'A');
    expect(dns.queries() - before).toBe(1);
    expect(r.stats()).toEqual({ queries: 1, cacheHits: 1 });
  });

  it('a busy fixed port is an error with the reason, never a hang', async () => {
    const busy = dgram.createSocket('udp4');
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', r));
    try {
      await expect(startLabDns({ 'a.test': { A: ['127.0.0.1'] } }, { port: busy.address().port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      busy.close();
    }
  });

  it('refuses invalid zone data with a clear message', async () => {
    await expect(startLabDns({ 'x.test': { A: ['not-an-ip'] } })).rejects.toThrow(/expected an IPv4 address/);
    await expect(startLabDns({ 'x.test': { TXT: ['x'.repeat(300)] } })).rejects.toThrow(/at most 255 bytes/);
  });
});
