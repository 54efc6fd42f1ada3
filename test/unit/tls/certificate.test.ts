// Certificate facts from real openssl-made certificates.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateFactsSchema } from '../../../shared/assessment.js';
import { describeCertificate, subjectAltNames } from '../../../main/tls/certificate.js';
import { testPki, type CertKind, type TestPki } from '../../support/test-pki.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});
const cert = (kind: CertKind) => new X509Certificate(readFileSync(pki.certs[kind].cert));

describe('describeCertificate', () => {
  it('gives the facts of the assessment schema', () => {
    const c = cert('valid');
    const facts = describeCertificate(c);
    expect(CertificateFactsSchema.strict().parse(facts)).toEqual(facts);
    expect(facts).toMatchObject({
      subject: 'CN=mx.lab.test',
      issuer: 'O=mxaudit lab, CN=mxaudit Lab Intermediate CA',
      sans: ['DNS:mx.lab.test'],
      keyType: 'RSA',
      keyBits: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      sha256: c.fingerprint256,
      selfSigned: false,
    });
    expect(Date.parse(facts.notAfter) - Date.parse(facts.notBefore)).toBe(366 * 86_400_000);
  });

  it.each([
    ['ec-p256', 'EC', 256],
    ['rsa-1024', 'RSA', 1024],
  ] as const)('%s: key %s %d bits', (kind, keyType, keyBits) => {
    expect(describeCertificate(cert(kind))).toMatchObject({ keyType, keyBits });
  });

  it('recognises a self-signed certificate, and a root', () => {
    expect(describeCertificate(cert('self-signed')).selfSigned).toBe(true);
    expect(describeCertificate(new X509Certificate(pki.rootPem))).toMatchObject({ selfSigned: true, subject: 'O=mxaudit lab, CN=mxaudit Lab Root CA' });
  });

  it('splits subjectAltName entries only outside node\'s quotes', () => {
    const fake = { subjectAltName: 'DNS:a.test, DNS:"b,c.test", IP Address:192.0.2.1' } as X509Certificate;
    expect(subjectAltNames(fake)).toEqual(['DNS:a.test', 'DNS:"b,c.test"', 'IP Address:192.0.2.1']);
    expect(subjectAltNames({ subjectAltName: undefined } as X509Certificate)).toEqual([]);
  });
});
