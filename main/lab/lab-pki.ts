// The lab's throw-away PKI, made with the openssl CLI (as the gateway's own certificate is): a
// private CA and one server certificate signed by it for the gateway and the MTA-STS policy host.
// EC P-256 keys: generated in milliseconds, and a modern key no check calls weak.
import { execFile } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
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
  // A request, then the CA signs it with the extensions from a file: works with OpenSSL 1.1 and
  // 3 and with LibreSSL (macOS), unlike `req -x509 -CA`.
  const csrFile = join(dir, 'server.csr');
  const extFile = join(dir, 'server.ext');
  await writeFile(extFile, [
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  await openssl(['req', '-new', ...EC, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${names[0]}`]);
  await openssl(['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', String(VALID_DAYS), '-sha256', '-extfile', extFile, '-out', certFile]);
  const [caPem, key, cert] = await Promise.all([readFile(caFile, 'utf8'), readFile(keyFile), readFile(certFile)]);
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return { caFile, caPem, keyFile, certFile, key, cert, spkiSha256: createHash('sha256').update(spki).digest('hex') };
}
