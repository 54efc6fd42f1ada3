// The signature algorithm read from the DER of real certificates made by openssl, checked
// against what openssl itself prints.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureAlgorithm } from '../../../main/tls/signature-algorithm.js';
import { testPki, type TestPki } from '../../support/test-pki.js';

let pki: TestPki;
let dir: string;
beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-sigalg-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const der = (file: string) => new X509Certificate(readFileSync(file)).raw;
const opensslSays = (file: string) => /Signature Algorithm: (\S+)/.exec(execFileSync('openssl', ['x509', '-in', file, '-noout', '-text']).toString())![1];

/** A self-signed certificate made with extra `openssl req` arguments. */
function selfSigned(name: string, args: string[]): string {
  const file = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', ...args, '-out', file, '-days', '1', '-subj', `/CN=${name}`], { stdio: 'pipe' });
  return file;
}

describe('signatureAlgorithm', () => {
  it.each([
    ['valid', 'sha256WithRSAEncryption', 'sha256'],
    ['sha1', 'sha1WithRSAEncryption', 'sha1'],
    // Issued by the EC root.
    ['untrusted-root', 'ecdsa-with-SHA256', 'sha256'],
  ] as const)('%s leaf: %s', (kind, name, hash) => {
    const file = pki.certs[kind].cert;
    expect(signatureAlgorithm(der(file))).toMatchObject({ name, hash });
    expect(opensslSays(file)).toBe(name);
  });

  it('Ed25519 has no separate digest', () => {
    const file = selfSigned('ed', ['-newkey', 'ed25519', '-nodes', '-keyout', join(dir, 'ed.key')]);
    expect(signatureAlgorithm(der(file))).toEqual({ oid: '1.3.101.112', name: 'ED25519', hash: null });
  });

  it('RSASSA-PSS: the digest comes from the parameters', () => {
    const file = selfSigned('pss', ['-key', pki.certs.valid.key, '-sha384', '-sigopt', 'rsa_padding_mode:pss']);
    expect(opensslSays(file)).toBe('rsassaPss');
    expect(signatureAlgorithm(der(file))).toEqual({ oid: '1.2.840.113549.1.1.10', name: 'RSASSA-PSS (sha384)', hash: 'sha384' });
  });
});
