// A throw-away PKI for TLS tests, made with the openssl CLI: a private root and intermediate CA,
// an unrelated (untrusted) root, and leaf certificates for one host name in every state the TLS
// checks must recognise. Generated once per process and host name; removed when the process exits.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TlsFiles } from './postfix.js';

export type CertKind =
  | 'valid'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-host'
  | 'self-signed'
  | 'untrusted-root'
  | 'rsa-1024'
  | 'sha1'
  | 'missing-intermediate'
  | 'expiring-20d'
  | 'expiring-45d'
  | 'ec-p256';

export interface TestPki {
  /** PEM of the private root CA: pass it as ProbeOptions.ca. */
  rootPem: string;
  rootFile: string;
  intermediateFile: string;
  /** Leaf certificate (and the chain a server sends after it) per kind, for the host name asked. */
  certs: Record<CertKind, TlsFiles>;
}

/** Name on the wrong-host certificate. */
export const WRONG_HOST = 'mail.elsewhere.test';

const DAY_MS = 86_400_000;
const run = promisify(execFile);
const openssl = (args: string[], env: Record<string, string> = {}) =>
  run('openssl', args, { env: { PATH: '/usr/bin:/bin', ...env } }).then(() => undefined);

interface Authority {
  cert: string;
  key: string;
}

interface Base {
  dir: string;
  root: Authority;
  intermediate: Authority;
  other: Authority;
  /** Leaf keys, reused across leaves: key generation is the slow part. */
  rsa2048: string;
  rsa1024: string;
  ecP256: string;
  config: string;
}

let base: Promise<Base> | undefined;
const byHost = new Map<string, Promise<TestPki>>();

export function testPki(host = 'mx.lab.test'): Promise<TestPki> {
  let pki = byHost.get(host);
  if (!pki) {
    pki = (base ??= makeBase()).then((b) => makeLeaves(b, host));
    byHost.set(host, pki);
  }
  return pki;
}

/**
 * vitest ends its workers without an 'exit' event, so a process hook would leak the directory:
 * a detached shell blocks on a pipe from us and removes it at EOF, however we end.
 */
function removeWhenProcessEnds(dir: string): void {
  const sweeper = spawn('/bin/sh', ['-c', 'read -r _; rm -rf -- "$1"', 'pki-sweeper', dir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  sweeper.unref();
  (sweeper.stdin as Socket | null)?.unref();
  sweeper.on('error', () => undefined);
}

async function makeBase(): Promise<Base> {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pki-'));
  removeWhenProcessEnds(dir);
  mkdirSync(join(dir, 'issued'));
  const f = (name: string) => join(dir, name);
  // `openssl ca` is the only 3.0 command that sets arbitrary validity dates. Each issuance gets its
  // own database file ($ENV::DB) so they can run in parallel.
  const config = f('ca.cnf');
  writeFileSync(
    config,
    [
      '[ca]', 'default_ca = lab',
      '[lab]', 'database = $ENV::DB', `new_certs_dir = ${f('issued')}`, 'rand_serial = yes', 'unique_subject = no',
      'policy = any', 'default_md = sha256', 'email_in_dn = no',
      '[any]', 'organizationName = optional', 'commonName = supplied',
      '[ca_ext]', 'basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const rsa = (file: string, bits: number) => openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', file]);
  const ec = (file: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  const b: Base = {
    dir,
    config,
    root: { cert: f('root.pem'), key: f('root.key') },
    intermediate: { cert: f('intermediate.pem'), key: f('intermediate.key') },
    // An EC root, so that one leaf carries an ECDSA signature.
    other: { cert: f('other-root.pem'), key: f('other-root.key') },
    rsa2048: f('rsa2048.key'),
    rsa1024: f('rsa1024.key'),
    ecP256: f('ec-p256.key'),
  };
  await Promise.all([rsa(b.root.key, 2048), rsa(b.intermediate.key, 2048), ec(b.other.key), rsa(b.rsa2048, 2048), rsa(b.rsa1024, 1024), ec(b.ecP256)]);
  const rootCa = (a: Authority, cn: string) =>
    openssl(['req', '-x509', '-key', a.key, '-out', a.cert, '-days', '3650', '-subj', `/O=mxaudit lab/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await Promise.all([rootCa(b.root, 'mxaudit Lab Root CA'), rootCa(b.other, 'Unrelated Root CA')]);
  const csr = f('intermediate.csr');
  await openssl(['req', '-new', '-key', b.intermediate.key, '-out', csr, '-subj', '/O=mxaudit lab/CN=mxaudit Lab Intermediate CA']);
  await issue(b, { csr, out: b.intermediate.cert, by: b.root, from: -DAY_MS, to: 3650 * DAY_MS, extensions: 'ca_ext', name: 'intermediate' });
  return b;
}

interface Issue {
  csr: string;
  out: string;
  by: Authority;
  /** Validity, relative to now. */
  from: number;
  to: number;
  extensions: string;
  name: string;
  extfile?: string;
  md?: string;
}

async function issue(b: Base, o: Issue): Promise<void> {
  const db = join(b.dir, `${o.name}.index`);
  writeFileSync(db, '');
  await openssl(
    ['ca', '-batch', '-notext', '-config', b.config, '-cert', o.by.cert, '-keyfile', o.by.key, '-in', o.csr, '-out', o.out,
      '-startdate', asn1Time(o.from), '-enddate', asn1Time(o.to), '-md', o.md ?? 'sha256',
      '-extensions', o.extensions, ...(o.extfile ? ['-extfile', o.extfile] : [])],
    { DB: db },
  );
}

/** YYMMDDHHMMSSZ, `offsetMs` from now. */
function asn1Time(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

async function makeLeaves(b: Base, host: string): Promise<TestPki> {
  const dir = join(b.dir, host);
  mkdirSync(dir);
  const f = (name: string) => join(dir, name);
  const extfile = (name: string, san: string, ec: boolean) => {
    const file = f(`${name}.ext`);
    const usage = ec ? 'digitalSignature' : 'digitalSignature, keyEncipherment';
    writeFileSync(file, `[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, ${usage}\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:${san}\nauthorityKeyIdentifier = keyid\n`);
    return file;
  };
  const leaf = async (name: string, o: { key?: string; cn?: string; by?: Authority; from?: number; to?: number; md?: string }) => {
    const cn = o.cn ?? host;
    const key = o.key ?? b.rsa2048;
    const csr = f(`${name}.csr`);
    const cert = f(`${name}.pem`);
    await openssl(['req', '-new', '-key', key, '-out', csr, '-subj', `/CN=${cn}`]);
    await issue(b, {
      csr, out: cert, by: o.by ?? b.intermediate, name: `${host}-${name}`, md: o.md,
      from: o.from ?? -DAY_MS, to: o.to ?? 365 * DAY_MS, extensions: 'leaf', extfile: extfile(name, cn, key === b.ecP256),
    });
    return { cert, key };
  };
  const chain = b.intermediate.cert;
  // One hour past whole days, so "expires in 20 days" holds for the whole test run.
  const inDays = (d: number) => d * DAY_MS + 3_600_000;
  const [valid, expired, notYet, wrong, untrusted, weak, sha1, expiring20, expiring45, ec] = await Promise.all([
    leaf('valid', {}),
    leaf('expired', { from: -90 * DAY_MS, to: -DAY_MS }),
    leaf('not-yet-valid', { from: 10 * DAY_MS, to: 400 * DAY_MS }),
    leaf('wrong-host', { cn: WRONG_HOST }),
    leaf('untrusted-root', { by: b.other }),
    leaf('rsa-1024', { key: b.rsa1024 }),
    leaf('sha1', { md: 'sha1' }),
    leaf('expiring-20d', { to: inDays(20) }),
    leaf('expiring-45d', { to: inDays(45) }),
    leaf('ec-p256', { key: b.ecP256 }),
  ]);
  const selfSigned = f('self-signed.pem');
  await openssl(['req', '-x509', '-key', b.rsa2048, '-out', selfSigned, '-days', '365', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`]);
  return {
    rootPem: readFileSync(b.root.cert, 'utf8'),
    rootFile: b.root.cert,
    intermediateFile: b.intermediate.cert,
    certs: {
      valid: { ...valid, chain },
      expired: { ...expired, chain },
      'not-yet-valid': { ...notYet, chain },
      'wrong-host': { ...wrong, chain },
      'self-signed': { cert: selfSigned, key: b.rsa2048 },
      // Sent with its (unknown) root, as servers with a private CA do: complete, but untrusted.
      'untrusted-root': { ...untrusted, chain: b.other.cert },
      'rsa-1024': { ...weak, chain },
      sha1: { ...sha1, chain },
      'missing-intermediate': valid,
      'expiring-20d': { ...expiring20, chain },
      'expiring-45d': { ...expiring45, chain },
      'ec-p256': { ...ec, chain },
    },
  };
}
