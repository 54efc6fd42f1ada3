// The lab PKI made with the openssl CLI: a CA, and a server certificate it signed for every
// name asked, for TLS server use only, whose key hash is what the lab's TLSA record publishes.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLabPki, type LabPki } from '../../../main/lab/lab-pki.js';

describe('makeLabPki', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-lab-pki-'));
  let pki: LabPki;
  beforeAll(async () => {
    pki = await makeLabPki(dir, ['mx.lab.test', 'mta-sts.lab.test']);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs the server certificate with the CA, for every name, as a non-CA TLS server certificate', () => {
    const ca = new X509Certificate(pki.caPem);
    const leaf = new X509Certificate(pki.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('mx.lab.test')).toBe('mx.lab.test');
    expect(leaf.checkHost('mta-sts.lab.test')).toBe('mta-sts.lab.test');
    expect(leaf.checkHost('other.lab.test')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(new Date(leaf.validTo).getTime() - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });

  it('gives the SHA-256 of the server public key for a DANE-EE 3 1 1 record', () => {
    const spki = new X509Certificate(pki.cert).publicKey.export({ type: 'spki', format: 'der' });
    expect(pki.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'));
  });
});
