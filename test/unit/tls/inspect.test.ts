// One inspection per kind of certificate: each problem is seen, independently of the others.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectChain } from '../../../main/tls/inspect.js';
import { pemCertificates, trustAnchors } from '../../../main/tls/trust-store.js';
import { testPki, WRONG_HOST, type CertKind, type TestPki } from '../../support/test-pki.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const inspect = (kind: CertKind, names = ['mx.lab.test'], now = new Date()) => {
  const { cert, chain } = pki.certs[kind];
  const certs = pemCertificates(readFileSync(cert, 'utf8') + (chain ? readFileSync(chain, 'utf8') : ''));
  return inspectChain({ chain: certs, anchors: trustAnchors(pki.rootPem), names, now });
};
const subjects = (list: { subject: string }[]) => list.map((c) => c.subject);

describe('inspectChain', () => {
  it('a valid chain: no problem; the leaf is what expires first', () => {
    const seen = inspect('valid');
    expect(seen).toMatchObject({ uncovered: [], expired: [], notYetValid: [], weakKeys: [], weakSignatures: [] });
    expect(seen.verdict.trusted).toBe(true);
    expect(subjects(seen.chain)).toEqual(['CN=mx.lab.test', 'O=mxaudit lab, CN=mxaudit Lab Intermediate CA']);
    expect(seen.expiring).toMatchObject({ certificate: { subject: 'CN=mx.lab.test' }, days: 364 });
  });

  it('expired and not yet valid: the certificate concerned, trust unaffected', () => {
    const expired = inspect('expired');
    expect(subjects(expired.expired)).toEqual(['CN=mx.lab.test']);
    expect(expired).toMatchObject({ expiring: null, verdict: { trusted: true } });
    expect(subjects(inspect('not-yet-valid').notYetValid)).toEqual(['CN=mx.lab.test']);
  });

  it('days before expiry are whole days left', () => {
    expect(inspect('expiring-20d').expiring?.days).toBe(20);
    expect(inspect('expiring-45d').expiring?.days).toBe(45);
    const in10Days = new Date(Date.now() + 10 * 86_400_000);
    expect(inspect('expiring-20d', undefined, in10Days).expiring?.days).toBe(10);
  });

  it('host names: every name asked must be covered', () => {
    expect(inspect('wrong-host').uncovered).toEqual(['mx.lab.test']);
    expect(inspect('wrong-host', [WRONG_HOST]).uncovered).toEqual([]);
    expect(inspect('valid', ['mx.lab.test', 'mx2.lab.test']).uncovered).toEqual(['mx2.lab.test']);
    expect(inspect('valid', []).uncovered).toEqual([]);
  });

  it('weak key and weak signature, on the leaf only', () => {
    expect(inspect('rsa-1024').weakKeys.map((c) => [c.subject, c.keyBits])).toEqual([['CN=mx.lab.test', 1024]]);
    expect(inspect('sha1').weakSignatures.map((c) => [c.subject, c.signatureAlgorithm])).toEqual([['CN=mx.lab.test', 'sha1WithRSAEncryption']]);
    expect(inspect('ec-p256')).toMatchObject({ weakKeys: [], weakSignatures: [] });
  });
});
