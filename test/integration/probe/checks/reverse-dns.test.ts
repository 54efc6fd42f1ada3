import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';

// One greeting server per loopback address, each address with its own reverse DNS story.
const servers: net.Server[] = [];
async function greeter(address: string, name: string): Promise<number> {
  const s = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.write(`220 ${name} ESMTP\r\n`);
    sock.on('data', () => sock.end('221 bye\r\n'));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, address, r));
  return (s.address() as net.AddressInfo).port;
}

let dns: LabDnsServer;
const ports: Record<string, number> = {};
beforeAll(async () => {
  dns = await startLabDns({
    '11.0.0.127.in-addr.arpa': { PTR: ['mx.good.test'] },
    'mx.good.test': { A: ['127.0.0.11'] },
    '12.0.0.127.in-addr.arpa': { PTR: ['mx.liar.test'] },
    'mx.liar.test': { A: ['127.0.0.99'] },
    '14.0.0.127.in-addr.arpa': { PTR: ['mx.named.test'] },
    'mx.named.test': { A: ['127.0.0.14'] },
  });
  ports.good = await greeter('127.0.0.11', 'mx.good.test');
  ports.liar = await greeter('127.0.0.12', 'mx.liar.test');
  ports.none = await greeter('127.0.0.13', 'mx.none.test');
  ports.named = await greeter('127.0.0.14', 'mail.other.test');
});
afterAll(async () => {
  await dns.stop();
  for (const s of servers) s.close();
});

const check = (address: string, port: number) =>
  runProbe({ targets: [{ host: address, port }], domain: null, checks: ['reverse-dns'], options: probeOptions(), resolver: createResolver([dns.server], 500, 1) });

describe('reverse-dns check against the lab DNS server', () => {
  it('PTR present, forward-confirmed and matching the banner: no finding', async () => {
    const a = await check('127.0.0.11', ports.good);
    expect(a.findings).toEqual([]);
    expect(a.facts.ptr).toEqual({ address: '127.0.0.11', names: ['mx.good.test'], forwardConfirmed: true, bannerName: 'mx.good.test' });
  });

  it('no PTR: dns.ptr-missing', async () => {
    const a = await check('127.0.0.13', ports.none);
    expect(a.findings.map((f) => f.id)).toEqual(['dns.ptr-missing']);
    expect(a.findings[0].description).toMatch(/13\.0\.0\.127\.in-addr\.arpa has no PTR/);
  });

  it('PTR that does not resolve back: dns.fcrdns-mismatch', async () => {
    const a = await check('127.0.0.12', ports.liar);
    expect(a.findings.map((f) => f.id)).toEqual(['dns.fcrdns-mismatch']);
    expect(a.findings[0].description).toMatch(/resolves to 127\.0\.0\.99, not 127\.0\.0\.12/);
  });

  it('banner naming another host than the PTR: smtp.banner-hostname-mismatch (info)', async () => {
    const a = await check('127.0.0.14', ports.named);
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([['smtp.banner-hostname-mismatch', 'info']]);
    expect(a.findings[0].description).toMatch(/Greeting says mail\.other\.test; PTR says mx\.named\.test/);
  });
});
