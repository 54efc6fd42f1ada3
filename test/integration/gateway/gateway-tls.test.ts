// STARTTLS on the gateway's MX listener: a certificate generated at start (and reused on the
// next start), swaks delivering over TLS, and our own probe judging the listener.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { runProbe } from '../../../main/probe/engine.js';
import { probeOptions } from '../../../main/probe/default-options.js';

const swaksAvailable = existsSync('/usr/bin/swaks');
const store = mkdtempSync(join(tmpdir(), 'mxaudit-gwtls-'));
const resolver = createResolver(['127.0.0.1:1']);
const config = {
  listen: { host: '127.0.0.1', port: 0 },
  storeDir: store,
  internalNetworks: [],
  layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 } },
};
let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway(config, { resolver });
}, 60_000);
afterAll(() => gw.stop(100));

describe('gateway STARTTLS', () => {
  it('generates a self-signed RSA-2048 certificate for the host name into storeDir/tls', () => {
    expect(gw.tls?.source).toBe('generated');
    expect(gw.tls?.certFile).toBe(join(store, 'tls', 'gateway-cert.pem'));
    const x = new X509Certificate(readFileSync(gw.tls!.certFile));
    expect(x.checkHost('mx.lab.test')).toBe('mx.lab.test');
    expect(x.subject).toBe(x.issuer);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(statSync(join(store, 'tls', 'gateway-key.pem')).isFile()).toBe(true);
  });

  it('reuses the certificate on the next start while it is valid; a new host name gets a new one', async () => {
    const again = await startGateway(config, { resolver });
    try {
      expect(again.tls?.source).toBe('reused');
      expect(again.tls?.cert).toBe(gw.tls?.cert);
    } finally {
      await again.stop(100);
    }
    const renamed = await startGateway({ ...config, hostname: 'mx2.lab.test' }, { resolver });
    try {
      expect(renamed.tls?.source).toBe('generated');
      expect(new X509Certificate(renamed.tls!.cert).checkHost('mx2.lab.test')).toBe('mx2.lab.test');
    } finally {
      await renamed.stop(100);
    }
  }, 60_000);

  it.skipIf(!swaksAvailable)('swaks --tls delivers over STARTTLS', async () => {
    const r = await promisify(execFile)('swaks', ['--server', `127.0.0.1:${gw.port}`, '--tls', '--helo', 'client.example', '--from', 'friend@example.org', '--to', 'alice@lab.test', '--timeout', '20']).catch((e: { stdout: string }) => e);
    expect(r.stdout).toMatch(/<- +220 .*Ready to start TLS/);
    expect(r.stdout).toMatch(/=== TLS started with cipher/);
    expect(r.stdout).toMatch(/<~ +250 2\.0\.0 Message accepted: queued as \S+/);
  });

  it.skipIf(!swaksAvailable)('a client that botches the TLS handshake does not take the gateway down', async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const sock = net.connect(gw.port, '127.0.0.1');
      let buf = '';
      sock.on('data', (d) => {
        buf += d;
        if (/^220 /m.test(buf) && !buf.includes('EHLO-SENT')) {
          buf += 'EHLO-SENT';
          sock.write('EHLO x.example\r\nSTARTTLS\r\n');
        } else if (buf.includes('Ready to start TLS')) {
          sock.end('this is not a TLS ClientHello\r\n\r\n');
        }
      });
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
    });
    // Still serving.
    const r = await promisify(execFile)('swaks', ['--server', `127.0.0.1:${gw.port}`, '--tls', '--from', 'a@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT']).catch((e: { stdout: string }) => e);
    expect(r.stdout).toMatch(/<~ +250 /);
  });

  it('passes our own probe: STARTTLS offered and working, no AUTH before or after TLS, SIZE and DSN', async () => {
    const a = await runProbe({
      targets: [{ host: gw.config.hostname, port: gw.port, address: '127.0.0.1' }],
      domain: null,
      checks: ['ehlo', 'starttls'],
      // The self-signed certificate as our own trust anchor: then nothing is left to report.
      options: probeOptions({ helo: 'probe.mxaudit.test', ca: gw.tls!.cert }),
      resolver,
    });
    expect(a.checks.map((c) => [c.id, c.status])).toEqual([
      ['ehlo', 'pass'],
      ['starttls', 'pass'],
    ]);
    expect(a.findings.map((f) => f.id)).toEqual([]);
    const { ehlo, ehloAfterTls, tls } = a.facts;
    expect(ehlo).toMatchObject({ starttls: true, auth: [], size: 10_485_760, dsn: true });
    expect(ehloAfterTls).toMatchObject({ starttls: false, auth: [], size: 10_485_760, dsn: true });
    expect(tls).toMatchObject({ offered: true, trusted: true, hostnameMatch: true, error: null });
    expect(tls?.protocol).toMatch(/^TLSv1\.[23]$/);
  }, 60_000);

  it('without the certificate as a trust anchor the probe reports exactly the self-signed certificate', async () => {
    const a = await runProbe({
      targets: [{ host: gw.config.hostname, port: gw.port, address: '127.0.0.1' }],
      domain: null,
      checks: ['ehlo', 'starttls'],
      options: probeOptions({ helo: 'probe.mxaudit.test' }),
      resolver,
    });
    expect(a.findings.map((f) => f.id)).toEqual(['tls.cert-self-signed']);
  }, 60_000);
});
