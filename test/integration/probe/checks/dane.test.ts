// The dane check through the real engine: SMTP servers with STARTTLS on loopback (smtp-server,
// and Postfix where it can run) serving certificates of a test CA made here, TLSA records served
// by the lab DNS server, directly (AD=0: it does not sign) or through a proxy that plays a
// validating resolver and sets AD.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver, type DnsResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import type { ProbeOptions } from '../../../../main/probe/context.js';
import type { TlsaRecord } from '../../../../main/dns/tlsa/tlsa-record.js';
import dane from '../../../../main/probe/checks/dane.js';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../../support/lab-dns.js';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix } from '../../../support/probe-postfix.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tlsa = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({ usage, selector, matchingType, data });

/** A root CA and a leaf it signed (names mx.lab.test and ta.lab.test), made with the openssl CLI. */
function testPki(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', 'root.key', '-out', 'root.pem', '-days', '2', '-subj', '/CN=Lab Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ecKey, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=mx.lab.test');
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:mx.lab.test,DNS:ta.lab.test\n');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '2', '-out', 'leaf.pem', '-extfile', 'leaf.ext');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    key: read('leaf.key'),
    leaf: read('leaf.pem'),
    root: read('root.pem'),
    /** Association data computed by openssl, not by the code under test. */
    leafSpki: sha256(openssl('pkey', '-in', 'leaf.key', '-pubout', '-outform', 'DER')),
    leafCert: sha256(openssl('x509', '-in', 'leaf.pem', '-outform', 'DER')),
    rootCert: sha256(openssl('x509', '-in', 'root.pem', '-outform', 'DER')),
  };
}

const smtpServers: SMTPServer[] = [];
async function startSmtp(options: SMTPServerOptions): Promise<number> {
  const server = new SMTPServer({ disableReverseLookup: true, authOptional: true, disabledCommands: ['AUTH'], ...options });
  server.on('error', () => {}); // a failed handshake must not take the test process down
  smtpServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as AddressInfo).port;
}

/** A validating resolver, as far as the client can tell: relays to `upstream` and sets AD. */
async function startAdProxy(upstream: LabDnsServer): Promise<{ server: string; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, client) => {
    const up = dgram.createSocket('udp4');
    up.on('message', (reply) => {
      reply[3] |= 0x20;
      socket.send(reply, client.port, client.address);
      up.close();
    });
    up.send(query, upstream.port, upstream.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}

const probe = (host: string, port: number, resolver: DnsResolver, options: Partial<ProbeOptions> = {}) =>
  runProbe({
    targets: [{ host, port, address: '127.0.0.1' }],
    domain: null,
    checks: ['dane'],
    checkDefinitions: [dane],
    options: probeOptions({ timeouts: { connectMs: 2000, commandMs: 2000, sessionMs: 10_000 }, ...options }),
    resolver,
  });
const ids = (a: { findings: { id: string }[] }) => a.findings.map((f) => f.id).sort();

let dir: string;
let pki: ReturnType<typeof testPki>;
let dns: LabDnsServer;
let adProxy: Awaited<ReturnType<typeof startAdProxy>>;
/** Serves leaf and root; serves the leaf alone; offers no STARTTLS. */
let chained: number;
let leafOnly: number;
let plain: number;
const labResolver = () => createResolver([dns.server], 1000, 1);
const validating = () => createResolver([adProxy.server], 1000, 1);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-dane-'));
  pki = testPki(dir);
  chained = await startSmtp({ key: pki.key, cert: pki.leaf + pki.root });
  leafOnly = await startSmtp({ key: pki.key, cert: pki.leaf });
  plain = await startSmtp({ hideSTARTTLS: true });
  const ee = tlsa(3, 1, 1, pki.leafSpki);
  const wrong = tlsa(3, 1, 1, pki.rootCert);
  const ta = tlsa(2, 0, 1, pki.rootCert);
  const zones: ZoneData = {
    [`_${chained}._tcp.mx.lab.test`]: { TLSA: [ee] },
    [`_${chained}._tcp.full.lab.test`]: { TLSA: [wrong, tlsa(3, 0, 1, pki.leafCert)] },
    [`_${chained}._tcp.mismatch.lab.test`]: { TLSA: [wrong, tlsa(2, 0, 1, pki.leafCert)] },
    [`_${chained}._tcp.ta.lab.test`]: { TLSA: [ta] },
    [`_${chained}._tcp.unnamed.lab.test`]: { TLSA: [ta] },
    [`_${chained}._tcp.pkix.lab.test`]: { TLSA: [tlsa(1, 0, 1, pki.leafCert), tlsa(0, 0, 1, pki.rootCert)] },
    [`_${chained}._tcp.broken.lab.test`]: { rcode: 'SERVFAIL' },
    [`_${leafOnly}._tcp.ta.lab.test`]: { TLSA: [ta] },
    [`_${plain}._tcp.mx.lab.test`]: { TLSA: [ee] },
  };
  dns = await startLabDns(zones);
  adProxy = await startAdProxy(dns);
});

afterAll(async () => {
  adProxy?.close();
  await dns?.stop();
  await Promise.all(smtpServers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dane check', () => {
  it('3 1 1 of the served key, authenticated: a pass, with the records, AD and the match in the facts', async () => {
    const a = await probe('mx.lab.test', chained, validating());
    expect(a.checks[0]).toMatchObject({ id: 'dane', host: 'mx.lab.test', status: 'pass' });
    expect(a.findings).toEqual([]);
    expect(a.facts.dane).toEqual({
      tlsa: [tlsa(3, 1, 1, pki.leafSpki)],
      ad: true,
      matched: [{ ...tlsa(3, 1, 1, pki.leafSpki), certIndex: 0, subject: 'CN=mx.lab.test' }],
      error: null,
    });
  });

  it('the same records unauthenticated (the lab does not sign): tls.dane-no-dnssec (medium), AD=0 in the facts', async () => {
    const a = await probe('mx.lab.test', chained, labResolver());
    expect(ids(a)).toEqual(['tls.dane-no-dnssec']);
    expect(a.findings[0].severity).toBe('medium');
    expect(a.findings[0].description).toContain(`as seen by the resolver used for this run. Senders ignore`);
    expect(a.findings[0].description).toContain(`Resolver ${dns.server} answered _${chained}._tcp.mx.lab.test with AD=0.`);
    expect(a.checks[0].status).toBe('fail');
    expect(a.facts.dane).toMatchObject({ ad: false, matched: [expect.objectContaining({ certIndex: 0 })] });
  });

  it('3 0 1 of the served certificate matches although another record does not', async () => {
    const a = await probe('full.lab.test', chained, validating());
    expect(a.checks[0].status).toBe('pass');
    expect(a.facts.dane).toMatchObject({ matched: [{ ...tlsa(3, 0, 1, pki.leafCert), certIndex: 0 }] });
  });

  it('no usable record matches: tls.dane-mismatch (critical) with the served chain and the STARTTLS transcript', async () => {
    const a = await probe('mismatch.lab.test', chained, validating());
    expect(ids(a)).toEqual(['tls.dane-mismatch']);
    const f = a.findings[0];
    expect(f.severity).toBe('critical');
    expect(f.description).toMatch(/Served chain: CN=mx\.lab\.test <- CN=Lab Root\.$/);
    expect(f.evidence.tlsa).toEqual([`3 1 1 ${pki.rootCert}`, `2 0 1 ${pki.leafCert}`]);
    expect(f.evidence.transcript!.some((l) => l.includes('-> STARTTLS'))).toBe(true);
    expect(f.evidence.transcript!.some((l) => l.includes('TLS established'))).toBe(true);
    expect(a.facts.dane).toMatchObject({ matched: [], error: null });
  });

  it('2 0 1 of the root the server sends: DANE-TA matches the CA certificate above the leaf', async () => {
    const a = await probe('ta.lab.test', chained, validating());
    expect(a.checks[0].status).toBe('pass');
    expect(a.facts.dane).toMatchObject({ matched: [{ usage: 2, certIndex: 1, subject: 'CN=Lab Root' }] });
  });

  it('DANE-TA with a certificate that does not name the host: mismatch, saying why', async () => {
    const a = await probe('unnamed.lab.test', chained, validating());
    expect(ids(a)).toEqual(['tls.dane-mismatch']);
    expect(a.findings[0].description).toContain(`TLSA 2 0 1 ${pki.rootCert} matches CN=Lab Root, but the server certificate does not name unnamed.lab.test.`);
  });

  it('DANE-TA root not sent by the server: a mismatch, even when --ca trusts that root locally', async () => {
    const a = await probe('ta.lab.test', leafOnly, validating());
    expect(ids(a)).toEqual(['tls.dane-mismatch']);
    expect(a.findings[0].description).toMatch(/Served chain: CN=mx\.lab\.test\.$/);
    // The chain is read with no trust store, so node cannot fill in the root from --ca.
    const withCa = await probe('ta.lab.test', leafOnly, validating(), { ca: pki.root });
    expect(ids(withCa)).toEqual(['tls.dane-mismatch']);
    expect(withCa.findings[0].description).toMatch(/Served chain: CN=mx\.lab\.test\.$/);
  });

  it('only PKIX usages: tls.dane-unusable-records (info), and no connection is made', async () => {
    const a = await probe('pkix.lab.test', chained, validating());
    expect(ids(a)).toEqual(['tls.dane-unusable-records']);
    expect(a.findings[0].severity).toBe('info');
    expect(a.checks[0].status).toBe('pass');
    expect(a.findings[0].evidence.transcript!.some((l) => / (->|<-) /.test(l))).toBe(false);
  });

  it('TLSA published but no STARTTLS offered: tls.dane-mismatch', async () => {
    const a = await probe('mx.lab.test', plain, validating());
    expect(ids(a)).toEqual(['tls.dane-mismatch']);
    expect(a.findings[0].description).toContain('the server does not offer STARTTLS: DANE senders require TLS with this host.');
    expect(a.facts.dane).toMatchObject({ error: 'the server does not offer STARTTLS' });
  });

  it('no TLSA record, or an IP literal target: not applicable', async () => {
    const none = await probe('none.lab.test', chained, labResolver());
    expect(none.checks[0]).toMatchObject({ status: 'skipped', reason: 'no TLSA records: DANE not used' });
    expect(none.facts.dane).toEqual({ tlsa: [], ad: false, matched: [], error: null });
    const literal = await probe('127.0.0.1', chained, createResolver(['127.0.0.1:1']));
    expect(literal.checks[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/IP address/) });
  });

  it('a TLSA lookup that fails: inconclusive, never a pass', async () => {
    const a = await probe('broken.lab.test', chained, labResolver());
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/SERVFAIL/) });
    expect(a.facts.dane).toMatchObject({ error: expect.stringMatching(/SERVFAIL/) });
  });
});

describePostfix('dane check against real Postfix', () => {
  let pf: PostfixInstance;
  let pfDns: LabDnsServer;
  let pfProxy: Awaited<ReturnType<typeof startAdProxy>>;
  beforeAll(async () => {
    pf = await startPostfix({ tls: 'may' });
    const spki = execFileSync('openssl', ['x509', '-in', join(pf.dir, 'tls/cert.pem'), '-pubkey', '-noout']);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: spki });
    pfDns = await startLabDns({ [`_${pf.port}._tcp.${pf.hostname}`]: { TLSA: [tlsa(3, 1, 1, sha256(der))] } });
    pfProxy = await startAdProxy(pfDns);
  });
  afterAll(async () => {
    pfProxy?.close();
    await pfDns?.stop();
    await pf?.stop();
  });

  it('3 1 1 of the self-signed key Postfix serves: a pass', async () => {
    const a = await runProbe({
      targets: [{ host: pf.hostname, port: pf.port, address: pf.host }],
      domain: null,
      checks: ['dane'],
      checkDefinitions: [dane],
      options: probeOptions(),
      resolver: createResolver([pfProxy.server]),
    });
    expect(a.checks[0]).toMatchObject({ id: 'dane', status: 'pass' });
    expect(a.facts.dane).toMatchObject({ ad: true, matched: [{ usage: 3, certIndex: 0, subject: `CN=${pf.hostname}` }] });
  });
});
