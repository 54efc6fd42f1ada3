// TLSA matching against a chain made with the openssl CLI (root -> intermediate -> leaf); the
// expected association data is computed by openssl too, not by the code under test.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUsable, matchTlsa } from '../../../../main/dns/tlsa/tlsa-match.js';
import type { TlsaRecord } from '../../../../main/dns/tlsa/tlsa-record.js';

let dir: string;
let chain: X509Certificate[];
/** Certificate and SubjectPublicKeyInfo DER of each certificate, as openssl writes them. */
const der: Record<string, { cert: Buffer; spki: Buffer }> = {};

function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Files `name.*`, signed by `issuer` (self-signed when null), with the extensions `ext`. */
function certificate(name: string, issuer: string | null, ext: string, cn = name): X509Certificate {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), ext);
  const signer = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`];
  openssl('x509', '-req', '-in', `${name}.csr`, ...signer, '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  der[name] = {
    cert: openssl('x509', '-in', `${name}.pem`, '-outform', 'DER'),
    spki: openssl('pkey', '-in', `${name}.key`, '-pubout', '-outform', 'DER'),
  };
  return new X509Certificate(readFileSync(join(dir, `${name}.pem`)));
}

const CA = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\n';
const hash = (alg: 'sha256' | 'sha512', b: Buffer) => createHash(alg).update(b).digest('hex');
const tlsa = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({ usage, selector, matchingType, data });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-tlsa-'));
  const root = certificate('root', null, CA);
  const inter = certificate('inter', 'root', `${CA}authorityKeyIdentifier=keyid\n`);
  const leaf = certificate('leaf', 'inter', 'subjectAltName=DNS:mx.lab.test\nauthorityKeyIdentifier=keyid\n');
  // Same name and key identifier as the intermediate, another key: only the signature tells.
  const interSkid = openssl('x509', '-in', 'inter.pem', '-noout', '-ext', 'subjectKeyIdentifier').toString().split('\n')[1].trim();
  certificate('impostor', null, CA.replace('hash', interSkid), 'inter');
  chain = [leaf, inter, root];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLSA matching', () => {
  it('DANE-EE matches the leaf with every selector and matching type', () => {
    const { cert, spki } = der.leaf;
    const records = [
      tlsa(3, 1, 1, hash('sha256', spki)),
      tlsa(3, 0, 1, hash('sha256', cert)),
      tlsa(3, 1, 2, hash('sha512', spki)),
      tlsa(3, 0, 2, hash('sha512', cert)),
      tlsa(3, 1, 0, spki.toString('hex')),
      tlsa(3, 0, 0, cert.toString('hex').toUpperCase()),
    ];
    const { matched, problems } = matchTlsa(records, chain, 'mx.lab.test');
    expect(matched).toEqual(records.map((r) => ({ ...r, certIndex: 0, subject: 'CN=leaf' })));
    expect(problems).toEqual([]);
  });

  it('DANE-EE ignores names: the key is what counts (RFC 7672 3.1.1)', () => {
    expect(matchTlsa([tlsa(3, 1, 1, hash('sha256', der.leaf.spki))], chain, 'other.lab.test').matched).toHaveLength(1);
  });

  it('DANE-TA matches a CA certificate of the chain, never the leaf', () => {
    const records = [tlsa(2, 0, 1, hash('sha256', der.inter.cert)), tlsa(2, 1, 1, hash('sha256', der.root.spki)), tlsa(2, 1, 1, hash('sha256', der.leaf.spki))];
    const { matched } = matchTlsa(records, chain, 'mx.lab.test');
    expect(matched.map((m) => [m.certIndex, m.subject])).toEqual([
      [1, 'CN=inter'],
      [2, 'CN=root'],
    ]);
  });

  it('DANE-TA needs the leaf to name the host, and a chain signed down from the anchor', () => {
    const ta = tlsa(2, 0, 1, hash('sha256', der.root.cert));
    expect(matchTlsa([ta], chain, 'other.lab.test')).toEqual({ matched: [], problems: [expect.stringMatching(/matches CN=root, but the server certificate does not name other\.lab\.test/)] });
    const impostor = new X509Certificate(readFileSync(join(dir, 'impostor.pem')));
    const forged = matchTlsa([tlsa(2, 0, 1, hash('sha256', der.impostor.cert))], [chain[0], impostor], 'mx.lab.test');
    expect(forged).toEqual({ matched: [], problems: [expect.stringMatching(/CN=leaf is not signed by CN=inter/)] });
  });

  it('wrong data, PKIX usages and unknown parameters never match', () => {
    const spki = hash('sha256', der.leaf.spki);
    const records = [tlsa(3, 1, 1, hash('sha256', der.root.spki)), tlsa(1, 1, 1, spki), tlsa(0, 0, 1, hash('sha256', der.root.cert)), tlsa(3, 2, 1, spki), tlsa(3, 1, 3, spki)];
    expect(matchTlsa(records, chain, 'mx.lab.test')).toEqual({ matched: [], problems: [] });
    expect(records.map(isUsable)).toEqual([true, false, false, false, false]);
  });
});
