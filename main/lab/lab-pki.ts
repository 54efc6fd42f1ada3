// The lab's throw-away PKI, made with the openssl CLI (as the gateway's own certificate is): a
// private CA and one server certificate signed by it for the gateway and the MTA-STS policy host.
// EC P-256 keys: generated in milliseconds, and a modern key no check calls weak.
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface LabPki {
  caFile: string;
  /** PEM of the lab CA: what the probe trusts (ProbeOptions.ca). */
  caPem: string;
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
  /** SHA-256 of the server certificate's SubjectPublicKeyInfo, hex: a DANE-EE "3 1 1" record. */
  spkiSha256: string;
}

const VALID_DAYS = 365;
const run = promisify(execFile);
const openssl = (args: string[]) => run('openssl', args, { timeout: 30_000, env: { PATH: '/usr/bin:/bin:/usr/local/bin' } });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256'];

/** Writes ca.pem, server-key.pem and server-cert.pem into `dir`; `names[0]` is the subject. */
export async function makeLabPki(dir: string, names: string[]): Promise<LabPki> {
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  const keyFile = join(dir, 'server-key.pem');
  const certFile = join(dir, 'server-cert.pem');
  await openssl(['req', '-x509', ...EC, '-keyout', caKey, '-out', caFile, '-days', String(VALID_DAYS + 1),
    '-subj', '/O=mxaudit lab/CN=mxaudit lab CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // OpenSSL 3: `req -x509 -CA` signs the new certificate with the CA directly.
  await openssl(['req', '-x509', ...EC, '-keyout', keyFile, '-out', certFile, '-days', String(VALID_DAYS),
    '-CA', caFile, '-CAkey', caKey, '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth']);
  const [caPem, key, cert] = await Promise.all([readFile(caFile, 'utf8'), readFile(keyFile), readFile(certFile)]);
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return { caFile, caPem, keyFile, certFile, key, cert, spkiSha256: createHash('sha256').update(spki).digest('hex') };
}
