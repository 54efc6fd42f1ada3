// The starttls check through the real engine, against real Postfix instances serving each
// certificate of the test PKI. The target is named mx.lab.test (the certificates' name) and
// connected to by address, so no DNS is needed except for the MTA-STS cases (lab DNS).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProbe, type HostPort } from '../../../../main/probe/engine.js';
import { createResolver, type DnsResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import type { ProbeOptions } from '../../../../main/probe/context.js';
import type { Finding } from '../../../../shared/assessment.js';
import starttls from '../../../../main/probe/checks/starttls.js';
import mx from '../../../../main/probe/checks/mx.js';
import mtaSts from '../../../../main/probe/checks/mta-sts.js';
import { startPostfix, type PostfixOptions } from '../../../support/postfix.js';
import { describePostfix, findingIds } from '../../../support/probe-postfix.js';
import { hostileScripts, startScriptedServer } from '../../../support/hostile-server.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';
import { testPki, WRONG_HOST, type CertKind, type TestPki } from '../../../support/test-pki.js';

const HOST = 'mx.lab.test';
let pki: TestPki;

interface ProbeInput {
  port: number;
  address?: string;
  options?: Partial<ProbeOptions>;
  domain?: string;
  resolver?: DnsResolver;
}

const probe = ({ port, address = '127.0.0.1', options = {}, domain, resolver }: ProbeInput) => {
  const target: HostPort = { host: HOST, port, address };
  return runProbe({
    targets: [target],
    domain: domain ?? null,
    checks: domain ? ['mx', 'mta-sts', 'starttls'] : ['starttls'],
    checkDefinitions: [mx, mtaSts, starttls],
    options: probeOptions({ ca: pki.rootPem, ...options }),
    // Unreachable: proves no DNS is asked unless a case brings the lab DNS.
    resolver: resolver ?? createResolver(['127.0.0.1:1'], 500, 1),
  });
};

/** Postfix serving `kind` (or configured by `opts`), probed once. */
async function probePostfix(kind: CertKind | null, opts: PostfixOptions = {}, input: Omit<ProbeInput, 'port'> = {}) {
  const pf = await startPostfix({ ...(kind ? { tlsFiles: pki.certs[kind] } : {}), ...opts });
  try {
    return await probe({ ...input, port: pf.port, address: pf.host });
  } finally {
    await pf.stop();
  }
}

type Assessment = Awaited<ReturnType<typeof probe>>;
const tlsFacts = (a: Assessment) => a.hosts[0].facts.tls!;
const only = (a: Assessment, id: string): Finding => {
  expect(findingIds(a)).toEqual([id]);
  return a.findings[0];
};

beforeAll(async () => {
  pki = await testPki(HOST);
});

describePostfix('starttls check', () => {
  it('a trusted certificate for the host name: no finding, the whole picture in the facts', async () => {
    const a = await probePostfix('valid');
    expect(a.findings).toEqual([]);
    expect(a.checks[0]).toMatchObject({ id: 'starttls', status: 'pass' });
    const tls = tlsFacts(a);
    expect(tls).toMatchObject({ offered: true, protocol: 'TLSv1.3', trusted: true, hostnameMatch: true, connections: 1, error: null });
    expect(tls.cipher).toMatch(/^TLS_/);
    expect(tls.certificate).toMatchObject({ subject: 'CN=mx.lab.test', sans: ['DNS:mx.lab.test'], keyType: 'RSA', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption', selfSigned: false });
    // Leaf and intermediate as sent, then the root node found in the trust store.
    expect(tls.chain!.map((c) => c.subject)).toEqual(['CN=mx.lab.test', 'O=mxaudit lab, CN=mxaudit Lab Intermediate CA', 'O=mxaudit lab, CN=mxaudit Lab Root CA']);
  });

  it('the same server without --ca: tls.cert-untrusted (high)', async () => {
    const f = only(await probePostfix('valid', {}, { options: { ca: null } }), 'tls.cert-untrusted');
    expect(f.severity).toBe('high');
    expect(f.description).toMatch(/Chain: CN=mx\.lab\.test <- O=mxaudit lab, CN=mxaudit Lab Intermediate CA\.$/);
  });

  it('EC P-256 key: no finding', async () => {
    const a = await probePostfix('ec-p256');
    expect(a.findings).toEqual([]);
    expect(tlsFacts(a).certificate).toMatchObject({ keyType: 'EC', keyBits: 256 });
  });

  it.each([
    ['expired', 'tls.cert-expired', 'critical', /CN=mx\.lab\.test expired on \d{4}-/],
    ['not-yet-valid', 'tls.cert-not-yet-valid', 'high', /CN=mx\.lab\.test is valid only from \d{4}-/],
    ['self-signed', 'tls.cert-self-signed', 'high', /Subject: CN=mx\.lab\.test\./],
    ['untrusted-root', 'tls.cert-untrusted', 'high', /Chain: CN=mx\.lab\.test <- O=mxaudit lab, CN=Unrelated Root CA\./],
    ['missing-intermediate', 'tls.cert-incomplete-chain', 'medium', /ends at CN=mx\.lab\.test, whose issuer \(O=mxaudit lab, CN=mxaudit Lab Intermediate CA\) was not sent/],
    ['wrong-host', 'tls.cert-hostname-mismatch', 'high', new RegExp(`Not valid for mx\\.lab\\.test; the certificate names DNS:${WRONG_HOST.replace(/\./g, '\\.')}\\.`)],
    ['rsa-1024', 'tls.weak-key', 'high', /CN=mx\.lab\.test: RSA 1024 bits\./],
    ['sha1', 'tls.weak-signature', 'medium', /CN=mx\.lab\.test: sha1WithRSAEncryption\./],
    ['expiring-20d', 'tls.cert-expiring-soon', 'medium', /expires on \d{4}-.*, in 20 days\./],
    ['expiring-45d', 'tls.cert-expiring-soon', 'low', /in 45 days\./],
  ] as const)('%s: %s (%s)', async (kind, id, severity, detail) => {
    const a = await probePostfix(kind);
    const f = only(a, id);
    expect(f.severity).toBe(severity);
    expect(f.description).toMatch(detail);
    expect(f.evidence.transcript!.join('\n')).toMatch(/-> STARTTLS[\s\S]*TLS established/);
    expect(f.evidence).toMatchObject({ certificate: { subject: tlsFacts(a).certificate!.subject } });
    expect(a.checks[0].status).toBe(severity === 'low' ? 'warn' : 'fail');
  });

  it('facts say what each problem is, independently: untrusted and self-signed, or trusted and expired', async () => {
    expect(tlsFacts(await probePostfix('self-signed'))).toMatchObject({ trusted: false, hostnameMatch: true, certificate: { selfSigned: true } });
    expect(tlsFacts(await probePostfix('expired'))).toMatchObject({ trusted: true, hostnameMatch: true });
    expect(tlsFacts(await probePostfix('wrong-host'))).toMatchObject({ trusted: true, hostnameMatch: false });
    expect(tlsFacts(await probePostfix('missing-intermediate'))).toMatchObject({ trusted: false, chain: [{ subject: 'CN=mx.lab.test' }] });
  });

  it('no STARTTLS: tls.starttls-missing (high), offered false', async () => {
    const a = await probePostfix(null);
    expect(only(a, 'tls.starttls-missing').severity).toBe('high');
    expect(tlsFacts(a)).toMatchObject({ offered: false, protocol: null, certificate: null, error: null });
  });

  it('a server that only speaks TLS 1.0 is still seen, and its certificate judged', async () => {
    const a = await probePostfix('valid', { main: { smtpd_tls_protocols: '<=TLSv1', smtpd_tls_mandatory_protocols: '<=TLSv1' } });
    expect(a.findings).toEqual([]);
    expect(tlsFacts(a)).toMatchObject({ protocol: 'TLSv1', trusted: true });
  });

  it('implicit TLS on port 465: no EHLO before TLS, the certificate judged the same', async () => {
    const a = await probePostfix('expiring-20d', { address: '127.0.0.46', port: 465, implicitTls: true });
    expect(findingIds(a)).toEqual(['tls.cert-expiring-soon']);
    expect(tlsFacts(a)).toMatchObject({ offered: true, trusted: true, hostnameMatch: true });
    expect(a.findings[0].evidence.transcript!.join('\n')).not.toMatch(/STARTTLS/);
  });
});

it('a server answering STARTTLS with garbage: tls.handshake-failed with the error, never "no STARTTLS"', async () => {
  pki = await testPki(HOST);
  const server = await startScriptedServer(hostileScripts['garbage after STARTTLS']);
  try {
    const a = await probe({ port: server.port });
    const f = only(a, 'tls.handshake-failed');
    expect(f.severity).toBe('high');
    expect(f.description).toMatch(/TLS handshake failed/);
    expect(tlsFacts(a)).toMatchObject({ offered: true, certificate: null, error: expect.stringMatching(/TLS handshake failed/) });
  } finally {
    await server.close();
  }
});

describePostfix('starttls check with an MTA-STS policy in enforce mode', () => {
  let dns: LabDnsServer;
  let policyServer: https.Server;
  const domain = 'lab.test';

  beforeAll(async () => {
    const site = await testPki(`mta-sts.${domain}`);
    const files = site.certs.valid;
    const policy = ['version: STSv1', 'mode: enforce', `mx: ${HOST}`, 'max_age: 1209600', ''].join('\r\n');
    policyServer = https.createServer({ key: readFileSync(files.key), cert: readFileSync(files.cert, 'utf8') + readFileSync(files.chain!, 'utf8') }, (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(policy),
    );
    await new Promise<void>((resolve) => policyServer.listen(0, '127.0.0.1', resolve));
    dns = await startLabDns({
      [domain]: { MX: [{ priority: 10, exchange: HOST }] },
      [HOST]: { A: ['127.0.0.1'] },
      [`_mta-sts.${domain}`]: { TXT: ['v=STSv1; id=20240101'] },
      [`mta-sts.${domain}`]: { A: ['127.0.0.1'] },
    });
  });
  afterAll(async () => {
    await dns?.stop();
    await new Promise((resolve) => policyServer?.close(resolve));
  });

  const enforced = (kind: CertKind | null) =>
    probePostfix(kind, {}, { domain, resolver: createResolver([dns.server], 1000, 1), options: { mtaStsPort: (policyServer.address() as AddressInfo).port } });

  it('a valid certificate for the MX name: nothing to report', async () => {
    const a = await enforced('valid');
    expect(a.domainFacts.mtaSts).toMatchObject({ mode: 'enforce', mxCovered: true });
    expect(a.findings).toEqual([]);
  });

  it.each([
    ['wrong-host', 'tls.cert-hostname-mismatch', /Fails: not valid for mx\.lab\.test\./],
    ['expired', 'tls.cert-expired', /Fails: expired\./],
    ['missing-intermediate', 'tls.cert-incomplete-chain', /Fails: not issued by a trusted CA\./],
    [null, 'tls.starttls-missing', /Fails: STARTTLS is not offered\./],
  ] as const)('%s: %s, and tls.mtasts-cert-invalid (high)', async (kind, id, detail) => {
    const a = await enforced(kind);
    expect(findingIds(a)).toEqual([id, 'tls.mtasts-cert-invalid'].sort());
    const f = a.findings.find((x) => x.id === 'tls.mtasts-cert-invalid')!;
    expect(f.severity).toBe('high');
    expect(f.description).toMatch(detail);
    expect(f.evidence).toMatchObject({ mtaStsMode: 'enforce' });
  });
});
