// The gateway's STARTTLS certificate: the one the config names, or a self-signed RSA-2048
// certificate for the host name, made with the openssl CLI into storeDir/tls/ and reused on the
// next start while it is still valid for that name (and not about to expire).
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  /** Where the certificate came from. */
  source: 'config' | 'generated' | 'reused';
  certFile: string;
}

/** A generated certificate is replaced when it has less than this left. */
const RENEW_BEFORE_MS = 7 * 86_400_000;
const VALID_DAYS = 365;

export class TlsCertificateError extends Error {}

export async function gatewayTlsMaterial(opts: { storeDir: string; hostname: string; key?: string; cert?: string; now?: Date }): Promise<TlsMaterial> {
  if (opts.key || opts.cert) {
    if (!opts.key || !opts.cert) throw new TlsCertificateError('tls: give both key and cert, or neither (a certificate is then generated)');
    const [key, cert] = await Promise.all([readFile(opts.key), readFile(opts.cert)]).catch((err: NodeJS.ErrnoException) => {
      throw new TlsCertificateError(`tls: cannot read ${err.path ?? 'key or cert'}: ${err.code ?? err.message}`);
    });
    return { key, cert, source: 'config', certFile: opts.cert };
  }
  const dir = join(opts.storeDir, 'tls');
  const keyFile = join(dir, 'gateway-key.pem');
  const certFile = join(dir, 'gateway-cert.pem');
  const now = opts.now ?? new Date();
  const existing = await Promise.all([readFile(keyFile), readFile(certFile)]).catch(() => null);
  if (existing && stillGood(existing[1], opts.hostname, now)) return { key: existing[0], cert: existing[1], source: 'reused', certFile };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written under temporary names, then renamed: a crash never leaves a key without its cert.
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  const tmpCert = `${certFile}.${process.pid}.tmp`;
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256',
      '-keyout', tmpKey, '-out', tmpCert, '-days', String(VALID_DAYS),
      '-subj', `/CN=${opts.hostname}`,
      '-addext', `subjectAltName=DNS:${opts.hostname}`,
      '-addext', 'extendedKeyUsage=serverAuth',
    ], { timeout: 60_000 });
    await rename(tmpKey, keyFile);
    await rename(tmpCert, certFile);
  } catch (err) {
    await rm(tmpKey, { force: true });
    await rm(tmpCert, { force: true });
    throw new TlsCertificateError(`tls: cannot generate a certificate with openssl: ${(err as Error).message.split('\n')[0]}`);
  }
  const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
  return { key, cert, source: 'generated', certFile };
}

function stillGood(pem: Buffer, hostname: string, now: Date): boolean {
  try {
    const x = new X509Certificate(pem);
    return x.checkHost(hostname) !== undefined && new Date(x.validFrom) <= now && new Date(x.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}
