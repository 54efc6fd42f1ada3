// The mta-sts check through the real engine: policies served by a local HTTPS server whose
// certificate comes from a test CA made here, names resolved by the lab DNS server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import type { ProbeOptions } from '../../../../main/probe/context.js';
import mtaSts from '../../../../main/probe/checks/mta-sts.js';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../../support/lab-dns.js';

const MAIN_IP = '127.0.0.2';
const UNTRUSTED_IP = '127.0.0.3';
/** Accepts TCP connections and never starts TLS. */
const TARPIT_IP = '127.0.0.5';

const policy = (mode: string, mx: string[], maxAge = 1_209_600) => ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`, ''].join('\r\n');
const text = (body: string, type = 'text/plain; charset=utf-8') => (res: ServerResponse) => res.writeHead(200, { 'content-type': type }).end(body);

interface Site {
  /** The domain's MX hosts. */
  mx: string[];
  /** What https://mta-sts.<domain>/.well-known/mta-sts.txt answers. */
  serve: (res: ServerResponse) => void;
  txt?: string;
  /** Addresses of mta-sts.<domain> (default: the main server). */
  addresses?: string[];
}

const sites: Record<string, Site> = {
  'x.test': { mx: ['mx1.x.test', 'b.mx.x.test'], serve: text(policy('enforce', ['mx1.x.test', '*.mx.x.test'])) },
  'mismatch.test': { mx: ['mx1.mismatch.test', 'a.b.mismatch.test'], serve: text(policy('enforce', ['*.mismatch.test'])) },
  'testing.test': { mx: ['mx.testing.test'], serve: text(policy('testing', ['mx.testing.test'], 86_400)) },
  'none.test': { mx: ['mx.none.test'], serve: text('version: STSv1\nmode: none\nmax_age: 86400\n') },
  'short.test': { mx: ['mx.short.test'], serve: text(policy('enforce', ['mx.short.test'], 3600)) },
  'badpolicy.test': { mx: ['mx.badpolicy.test'], serve: text('version: STSv1\nmode: enforced\nmx: mx.badpolicy.test\nmax_age: 86400\n') },
  'html.test': { mx: ['mx.html.test'], serve: text(policy('enforce', ['mx.html.test']), 'text/html') },
  'notfound.test': { mx: ['mx.notfound.test'], serve: (res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found') },
  'redirect.test': { mx: ['mx.redirect.test'], serve: (res) => res.writeHead(301, { location: 'https://mta-sts.x.test/.well-known/mta-sts.txt' }).end() },
  // Hostile: a body without end, and a server that never answers or drips one byte at a time.
  'huge.test': { mx: ['mx.huge.test'], serve: (res) => endless(res, 'x'.repeat(16_384), 1) },
  'silent.test': { mx: ['mx.silent.test'], serve: () => {} },
  'drip.test': { mx: ['mx.drip.test'], serve: (res) => endless(res, 'x', 50) },
  'untrusted.test': { mx: ['mx.untrusted.test'], serve: text(policy('enforce', ['mx.untrusted.test'])), addresses: [UNTRUSTED_IP] },
  'wrongname.test': { mx: ['mx.wrongname.test'], serve: text(policy('enforce', ['mx.wrongname.test'])) },
  'badtxt.test': { mx: ['mx.badtxt.test'], serve: text(policy('enforce', ['mx.badtxt.test'])), txt: 'v=STSv1; id=2024-01-01' },
  'noaddr.test': { mx: ['mx.noaddr.test'], serve: text(policy('enforce', ['mx.noaddr.test'])), addresses: [] },
  // Nothing listens on the first address.
  'fallback.test': { mx: ['mx.fallback.test'], serve: text(policy('enforce', ['mx.fallback.test'])), addresses: ['127.0.0.4', MAIN_IP] },
  'tarpit.test': { mx: ['mx.tarpit.test'], serve: text(policy('enforce', ['mx.tarpit.test'])), addresses: [TARPIT_IP, MAIN_IP] },
};

function endless(res: ServerResponse, chunk: string, everyMs: number) {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const t = setInterval(() => res.write(chunk), everyMs);
  res.on('close', () => clearInterval(t));
}

function zones(): ZoneData {
  const z: ZoneData = { 'missing.test': { MX: [{ priority: 10, exchange: 'mx.missing.test' }] } };
  for (const [domain, site] of Object.entries(sites)) {
    z[domain] = { MX: site.mx.map((exchange, i) => ({ priority: 10 * (i + 1), exchange })) };
    z[`_mta-sts.${domain}`] = { TXT: ['v=spf1 -all', site.txt ?? 'v=STSv1; id=20240101'] };
    const addresses = site.addresses ?? [MAIN_IP];
    if (addresses.length) z[`mta-sts.${domain}`] = { A: addresses };
  }
  return z;
}

/** A CA and leaf certificates signed by it, made with the openssl CLI in a scratch directory. */
function testPki(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const ca = (name: string) => {
    openssl('req', '-x509', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    return read(`${name}.pem`);
  };
  const leaf = (name: string, caName: string, names: string[]) => {
    openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${names[0]}`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
    return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
  };
  return { ca, leaf };
}

let dir: string;
let dns: LabDnsServer;
let caPem: string;
let port: number;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const requests: string[] = [];

function listen(server: net.Server, address: string, p: number): Promise<number> {
  servers.push(server);
  // Hostile handlers never end their responses: the sockets are destroyed at the end.
  server.on('connection', (socket: net.Socket) => sockets.add(socket.on('close', () => sockets.delete(socket))));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, address, () => resolve((server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-mta-sts-'));
  const pki = testPki(dir);
  caPem = pki.ca('trusted-ca');
  pki.ca('other-ca');
  // The main server's certificate names every policy host but mta-sts.wrongname.test.
  const mainCert = pki.leaf('main', 'trusted-ca', Object.keys(sites).filter((d) => d !== 'wrongname.test').map((d) => `mta-sts.${d}`));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    requests.push(`${host} ${req.url}`);
    const site = sites[host.replace(/^mta-sts\./, '')];
    if (site && req.url === '/.well-known/mta-sts.txt') site.serve(res);
    else res.writeHead(404).end();
  };
  port = await listen(https.createServer(mainCert, handler), MAIN_IP, 0);
  // Same port on another loopback address: one mtaStsPort serves every test domain.
  await listen(https.createServer(pki.leaf('untrusted', 'other-ca', ['mta-sts.untrusted.test']), handler), UNTRUSTED_IP, port);
  await listen(net.createServer(() => {}), TARPIT_IP, port);
  dns = await startLabDns(zones());
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const probe = (domain: string, overrides: Partial<ProbeOptions> = {}) =>
  runProbe({
    targets: [],
    domain,
    checks: ['mta-sts'],
    checkDefinitions: [mtaSts],
    options: Object.assign(probeOptions({ ca: caPem, ...overrides }), { mtaStsPort: port }),
    resolver: createResolver([dns.server], 1000, 1),
  });
const ids = (a: { findings: { id: string }[] }) => a.findings.map((f) => f.id).sort();
const invalidReason = async (domain: string, overrides: Partial<ProbeOptions> = {}) => {
  const a = await probe(domain, overrides);
  expect(ids(a)).toEqual(['mtasts.invalid']);
  expect(a.findings[0].severity).toBe('medium');
  expect(a.checks[0].status).toBe('fail');
  return { description: a.findings[0].description, facts: a.domainFacts.mtaSts as { error: string; policy: string | null }, a };
};

describe('mta-sts check', () => {
  it('an enforced policy covering every MX host (wildcard included): no finding, the policy in the facts', async () => {
    const a = await probe('x.test');
    expect(a.checks[0]).toMatchObject({ id: 'mta-sts', host: 'x.test', port: 0, status: 'pass' });
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.mtaSts).toEqual({
      txt: 'v=STSv1; id=20240101',
      policy: policy('enforce', ['mx1.x.test', '*.mx.x.test']),
      mode: 'enforce',
      mx: ['mx1.x.test', '*.mx.x.test'],
      maxAge: 1_209_600,
      mxCovered: true,
      error: null,
    });
    expect(requests).toContain('mta-sts.x.test /.well-known/mta-sts.txt');
  });

  it('an MX host outside the patterns (a wildcard matches one label only): mtasts.mx-mismatch (high)', async () => {
    const a = await probe('mismatch.test');
    expect(ids(a)).toEqual(['mtasts.mx-mismatch']);
    expect(a.findings[0].severity).toBe('high');
    expect(a.findings[0].description).toMatch(/Not matched: a\.b\.mismatch\.test \(mx patterns: \*\.mismatch\.test; mode enforce\)/);
    expect(a.findings[0].evidence).toMatchObject({ mxHosts: ['mx1.mismatch.test', 'a.b.mismatch.test'], uncovered: ['a.b.mismatch.test'] });
    expect(a.domainFacts.mtaSts).toMatchObject({ mxCovered: false });
  });

  it('testing mode: mtasts.testing-mode (low)', async () => {
    const a = await probe('testing.test');
    expect(ids(a)).toEqual(['mtasts.testing-mode']);
    expect(a.findings[0].severity).toBe('low');
    expect(a.checks[0].status).toBe('warn');
    expect(a.domainFacts.mtaSts).toMatchObject({ mode: 'testing', mxCovered: true });
  });

  it('mode none: mtasts.mode-none, and no MX comparison', async () => {
    const a = await probe('none.test');
    expect(ids(a)).toEqual(['mtasts.mode-none']);
    expect(a.domainFacts.mtaSts).toMatchObject({ mode: 'none', mx: [], mxCovered: null });
  });

  it('an enforced policy cached for an hour: mtasts.short-max-age (info)', async () => {
    const a = await probe('short.test');
    expect(ids(a)).toEqual(['mtasts.short-max-age']);
    expect(a.findings[0].description).toMatch(/max_age is 3600 s\./);
    expect(a.checks[0].status).toBe('pass');
  });

  it('no _mta-sts record: mtasts.missing (low), and the policy host is never contacted', async () => {
    const a = await probe('missing.test');
    expect(ids(a)).toEqual(['mtasts.missing']);
    expect(a.findings[0].severity).toBe('low');
    expect(a.domainFacts.mtaSts).toMatchObject({ txt: null, policy: null, error: null });
    expect(requests.some((r) => r.startsWith('mta-sts.missing.test'))).toBe(false);
  });

  it('a malformed TXT record: invalid, and no fetch', async () => {
    const { description } = await invalidReason('badtxt.test');
    expect(description).toMatch(/id=2024-01-01 is not 1 to 32 letters and digits\.$/);
    expect(requests.some((r) => r.startsWith('mta-sts.badtxt.test'))).toBe(false);
  });

  it('a policy host without an address: invalid', async () => {
    expect((await invalidReason('noaddr.test')).description).toMatch(/mta-sts\.noaddr\.test has no A or AAAA record/);
  });

  it('bad policy content: invalid, with the policy kept as evidence', async () => {
    const { description, facts } = await invalidReason('badpolicy.test');
    expect(description).toMatch(/The policy is not valid: mode "enforced" is not enforce, testing or none/);
    expect(facts.policy).toMatch(/^version: STSv1\nmode: enforced/);
  });

  it.each([
    ['notfound.test', /HTTP 404 instead of 200/],
    ['redirect.test', /HTTP 301 redirect to https:\/\/mta-sts\.x\.test\/\.well-known\/mta-sts\.txt: senders must not follow redirects/],
    ['html.test', /Content-Type text\/html instead of text\/plain/],
    ['huge.test', /The policy is larger than 65536 bytes/],
  ])('%s: invalid (%s)', async (domain, reason) => {
    const { description, facts } = await invalidReason(domain);
    expect(description).toMatch(reason);
    expect(facts.error).toMatch(reason);
  });

  it('the redirect is not followed', async () => {
    const before = requests.filter((r) => r.startsWith('mta-sts.x.test')).length;
    await probe('redirect.test');
    expect(requests.filter((r) => r.startsWith('mta-sts.x.test')).length).toBe(before);
  });

  it.each(['silent.test', 'drip.test'])('%s: a server that never finishes is cut off at the deadline', async (domain) => {
    const started = performance.now();
    const { description } = await invalidReason(domain, { timeouts: { connectMs: 1000, commandMs: 1500, sessionMs: 5000 } });
    expect(description).toMatch(/127\.0\.0\.2: the policy did not arrive within 1500 ms/);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('an address that refuses the connection: the next address serves the policy', async () => {
    const a = await probe('fallback.test');
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.mtaSts).toMatchObject({ mode: 'enforce', mxCovered: true });
  });

  it('an address that accepts TCP but never starts TLS is given up after connectMs, then the next one serves', async () => {
    const started = performance.now();
    const a = await probe('tarpit.test', { timeouts: { connectMs: 500, commandMs: 3000, sessionMs: 5000 } });
    expect(a.findings).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(a.domainFacts.mtaSts).toMatchObject({ mode: 'enforce', mxCovered: true });
  });

  it('a certificate from an untrusted CA: invalid, certificate not accepted', async () => {
    const { description, a } = await invalidReason('untrusted.test');
    expect(description).toMatch(/127\.0\.0\.3: certificate not accepted for mta-sts\.untrusted\.test: /);
    expect(a.findings[0].evidence.transcript?.join('\n')).toMatch(/connecting to 127\.0\.0\.3 port \d+ for mta-sts\.untrusted\.test/);
  });

  it('a certificate for other names: invalid, certificate not accepted', async () => {
    expect((await invalidReason('wrongname.test')).description).toMatch(/certificate not accepted for mta-sts\.wrongname\.test: Hostname\/IP does not match certificate's altnames/);
  });

  it('without the test CA (system roots only) the valid policy is untrusted too', async () => {
    expect((await invalidReason('x.test', { ca: null })).description).toMatch(/certificate not accepted for mta-sts\.x\.test/);
  });
});
