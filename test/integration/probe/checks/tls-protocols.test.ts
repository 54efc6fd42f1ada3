import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import { createResolver } from '../../../../main/net/resolver.js';
import tlsProtocols from '../../../../main/probe/checks/tls-protocols.js';
import { locallyOfferable, weakFamilies } from '../../../../main/tls/protocols/weak-ciphers.js';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds } from '../../../support/probe-postfix.js';

// Debian 12's Postfix 3.7 / OpenSSL 3.0 serves TLS 1.0 (it is the default, >=TLSv1) and NULL at
// its default security level; @SECLEVEL=0 keeps that true where the level is raised (level 2
// refuses NULL, and Ubuntu's OpenSSL refuses TLS < 1.2 there). 3DES/RC4/DES/EXPORT cannot be
// served at all: OpenSSL 3 builds compile them out, so NULL stands in for the weak families.
const legacyCiphers = 'aNULL:-aNULL:HIGH:MEDIUM:@STRENGTH:@SECLEVEL=0';
const nullCiphers = 'aNULL:-aNULL:HIGH:MEDIUM:eNULL:@STRENGTH:@SECLEVEL=0';

const probe = (pf: PostfixInstance) =>
  runProbe({
    targets: [{ host: pf.host, port: pf.port }],
    domain: pf.domain,
    checks: ['tls-protocols'],
    checkDefinitions: [tlsProtocols],
    options: probeOptions({ helo: 'probe.mxaudit.test' }),
    resolver: createResolver(['127.0.0.1:1']),
  });

/** One connection per version plus one for the weak suites that this OpenSSL can offer. */
const fullRun = 4 + (weakFamilies.some(locallyOfferable) ? 1 : 0);

describePostfix('tls-protocols check against real Postfix', () => {
  let modern: PostfixInstance;
  let legacy: PostfixInstance;
  let noTls13: PostfixInstance;
  let weak: PostfixInstance;
  let plain: PostfixInstance;
  let limited: PostfixInstance;
  beforeAll(async () => {
    [modern, legacy, noTls13, weak, plain, limited] = await Promise.all([
      startPostfix({ tls: 'may', main: { smtpd_tls_protocols: '>=TLSv1.2' } }),
      startPostfix({ tls: 'may', main: { smtpd_tls_protocols: '>=TLSv1', tls_medium_cipherlist: legacyCiphers } }),
      startPostfix({ tls: 'may', main: { smtpd_tls_protocols: '>=TLSv1.2, <=TLSv1.2' } }),
      startPostfix({ tls: 'may', main: { smtpd_tls_protocols: '>=TLSv1.2', tls_medium_cipherlist: nullCiphers } }),
      startPostfix(),
      // anvil: the harness's readiness probe and the engine's reachability test count too.
      startPostfix({ tls: 'may', main: { smtpd_client_connection_rate_limit: '4' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([modern, legacy, noTls13, weak, plain, limited].map((p) => p?.stop()));
  });

  it('TLS 1.2 and 1.3 only: both accepted, legacy refused, nothing to report', async () => {
    const a = await probe(modern);
    expect(a.checks[0]).toMatchObject({ id: 'tls-protocols', status: 'pass' });
    expect(findingIds(a)).toEqual([]);
    expect(a.facts.tls).toMatchObject({
      protocols: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
      weakCiphers: [],
      protocolConnections: fullRun,
    });
    const families = a.facts.tls?.weakCipherFamilies as Record<string, string>;
    // A family this OpenSSL cannot offer is never reported as refused (that would read as a pass).
    for (const f of weakFamilies) expect(families[f]).toBe(locallyOfferable(f) ? 'refused' : 'not-testable-locally');
    expect(families.NULL).toBe('refused');
  });

  it('TLS 1.0 accepted: a real TLS 1.0 handshake, tls.legacy-protocol (medium)', async () => {
    const a = await probe(legacy);
    expect(findingIds(a)).toEqual(['tls.legacy-protocol']);
    expect(a.facts.tls?.protocols).toEqual({ TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
    const f = a.findings[0];
    expect(f.severity).toBe('medium');
    expect(f.description).toMatch(/Accepted: TLSv1, TLSv1\.1\.$/);
    expect(f.evidence.transcript!.some((l) => /TLS established: TLSv1 /.test(l))).toBe(true);
    expect(a.checks[0].status).toBe('fail');
    expect(a.facts.tls?.protocolConnections).toBe(fullRun);
  });

  it('TLS 1.2 at most: tls.no-tls13 (info) only', async () => {
    const a = await probe(noTls13);
    expect(findingIds(a)).toEqual(['tls.no-tls13']);
    expect(a.findings[0].severity).toBe('info');
    expect(a.facts.tls?.protocols).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false });
    expect(a.checks[0].status).toBe('pass');
  });

  it('NULL suites accepted: tls.weak-cipher (medium) with the negotiated suite', async () => {
    const a = await probe(weak);
    expect(findingIds(a)).toEqual(['tls.weak-cipher']);
    expect(a.findings[0].severity).toBe('medium');
    expect(a.facts.tls?.weakCiphers).toEqual([expect.stringMatching(/NULL/)]);
    expect(a.facts.tls?.weakCipherFamilies).toMatchObject({ NULL: 'accepted' });
    expect(a.findings[0].description).toMatch(/Negotiated \S*NULL\S* when offered only weak suites\./);
    expect(a.facts.tls?.protocolConnections).toBe(fullRun);
  });

  it('no STARTTLS: skipped after one connection, nothing claimed', async () => {
    const a = await probe(plain);
    expect(a.checks[0]).toMatchObject({ status: 'skipped', reason: 'STARTTLS not offered' });
    expect(a.findings).toEqual([]);
    expect(a.facts.tls).toMatchObject({ protocols: { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null }, protocolConnections: 1 });
    expect(a.facts.tls?.weakCiphers).toBeUndefined();
  });

  it('rate-limited (421): stops at the refusal, inconclusive, keeps what it learned', async () => {
    const a = await probe(limited);
    expect(a.checks[0].status).toBe('error');
    expect(a.checks[0].reason).toMatch(/stopped us after \d connection\(s\): server refused the session: 421 .*too many connections/);
    const protocols = a.facts.tls?.protocols as Record<string, boolean | null>;
    const tested = Object.values(protocols).filter((v) => v !== null).length;
    expect(tested).toBeGreaterThan(0);
    expect(tested).toBeLessThan(4);
    // Every tested version took one connection, the refused one a last: none after it.
    expect(a.facts.tls?.protocolConnections).toBe(tested + 1);
    expect(protocols['TLSv1.3']).toBe(true); // newest first
  });
});
