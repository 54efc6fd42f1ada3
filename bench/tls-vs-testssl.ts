// Benchmark: `mxaudit probe --checks tls` against `testssl.sh --starttls smtp -S` (Debian's
// testssl 3.0, kept offline) on throw-away Postfix instances, one per kind of certificate of the
// test PKI. Times both as whole processes and compares their certificate verdicts (trust, expiry,
// host name, key size, signature) with each other and with the truth the PKI defines.
// See bench/README.md ("TLS suite").
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startLabDns, type LabDnsServer } from '../main/dns/lab-dns-server.js';
import { createResolver } from '../main/net/resolver.js';
import { postfixAvailable, startPostfix, type PostfixInstance } from '../test/support/postfix.js';
import { testPki, WRONG_HOST, type CertKind, type TestPki } from '../test/support/test-pki.js';
import { fmtMs, fmtRatio, geometricMean, median, onInterrupt, renderTable, straceAvailable, versionLine, type ProcessResult } from './lib.js';
import { ROOT } from './probe-vs-nmap.js';
import { auditProcessTree, ensureBuilt, runGroup, type ProcessTreeAudit } from './tls-support.js';

const CLI_BUNDLE = join(ROOT, 'out/main/cli.js');
const CLI_LAUNCHER = join(ROOT, 'main/cli/bin.mjs');
const TESTSSL = '/usr/bin/testssl';
/** The name both tools check the certificate against; the lab DNS maps it to 127.0.0.1. */
const MX_NAME = 'mx.lab.test';
const SPEED_GOAL = 10;

export interface TlsBenchOptions {
  runs: number;
  /** per tool run, ms */
  timeoutMs: number;
  /** config ids to run, null = all */
  only: string[] | null;
  /** mxaudit's --checks (default 'tls', the category; 'starttls' is the certificate check alone) */
  mxauditChecks: string;
  /** false = do not run testssl even when installed */
  testssl: boolean;
  /** strace each tool once per config (untimed); without it, only the first config is audited */
  verifyLoopback: boolean;
  build: boolean;
  jsonPath: string;
}

// ---------------------------------------------------------------------------
// Verdicts and the known truth.

export const DIMENSIONS = ['trust', 'expiry', 'hostname', 'key', 'signature'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Verdicts = Record<Dimension, string>;

/** Vocabulary shared by both tools' mappings and the truth. */
const V = {
  trusted: 'trusted',
  selfSigned: 'untrusted: self-signed',
  unknownRoot: 'untrusted: unknown root',
  incomplete: 'untrusted: incomplete chain',
  valid: 'valid',
  expired: 'expired',
  notYetValid: 'not yet valid',
  under30: 'expires < 30 d',
  under60: 'expires < 60 d',
  match: 'match',
  mismatch: 'mismatch',
  ok: 'ok',
  weak: 'weak',
} as const;

const GOOD: Verdicts = { trust: V.trusted, expiry: V.valid, hostname: V.match, key: V.ok, signature: V.ok };

export interface TlsConfig {
  id: CertKind;
  label: string;
  /** what the test PKI made: the verdicts a correct tool reaches */
  truth: Verdicts;
}

export const TLS_CONFIGS: TlsConfig[] = [
  { id: 'valid', label: 'valid (RSA 2048, SHA-256, full chain)', truth: GOOD },
  { id: 'expired', label: 'expired yesterday', truth: { ...GOOD, expiry: V.expired } },
  { id: 'not-yet-valid', label: 'valid from in 10 days', truth: { ...GOOD, expiry: V.notYetValid } },
  { id: 'wrong-host', label: `issued for ${WRONG_HOST}`, truth: { ...GOOD, hostname: V.mismatch } },
  { id: 'self-signed', label: 'self-signed', truth: { ...GOOD, trust: V.selfSigned } },
  { id: 'untrusted-root', label: 'unknown root (sent with it)', truth: { ...GOOD, trust: V.unknownRoot } },
  { id: 'rsa-1024', label: 'RSA 1024 key', truth: { ...GOOD, key: V.weak } },
  { id: 'sha1', label: 'SHA-1 signature', truth: { ...GOOD, signature: V.weak } },
  { id: 'missing-intermediate', label: 'intermediate not sent', truth: { ...GOOD, trust: V.incomplete } },
  { id: 'expiring-20d', label: 'expires in 20 days', truth: { ...GOOD, expiry: V.under30 } },
  { id: 'expiring-45d', label: 'expires in 45 days', truth: { ...GOOD, expiry: V.under60 } },
  { id: 'ec-p256', label: 'EC P-256 key', truth: GOOD },
];

type Parsed = { verdicts: Verdicts; details: Record<string, unknown> } | { error: string; details?: Record<string, unknown> };

const lastLine = (s: string) => s.trim().split('\n').pop()?.slice(0, 200) ?? '';

function processProblem(r: ProcessResult): string | null {
  if (r.error) return `could not start: ${r.error}`;
  if (r.timedOut) return `timed out after ${Math.round(r.ms)} ms`;
  if (r.signal) return `killed by ${r.signal}`;
  return null;
}

// --- mxaudit ---------------------------------------------------------------

interface MxAssessment {
  checks?: { id: string; status: string; reason?: string }[];
  findings?: { id: string; severity: string; detail?: string }[];
  hosts?: {
    facts?: {
      tls?: {
        error?: string | null;
        trusted?: boolean | null;
        hostnameMatch?: boolean | null;
        certificate?: { notBefore?: string; notAfter?: string; keyType?: string; keyBits?: number; signatureAlgorithm?: string } | null;
      };
    };
  }[];
}

/** mxaudit's five verdicts from its assessment JSON: the starttls facts, cross-checked with its findings. */
export function mxauditVerdicts(r: ProcessResult): Parsed {
  const problem = processProblem(r);
  if (problem) return { error: problem };
  if (r.code !== 0) return { error: `exit ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout)}` };
  let a: MxAssessment;
  try {
    a = JSON.parse(r.stdout) as MxAssessment;
  } catch {
    return { error: `stdout is not JSON: ${r.stdout.slice(0, 120)}` };
  }
  const check = a.checks?.find((c) => c.id === 'starttls');
  if (!check) return { error: 'no starttls check in the assessment' };
  // pass / warn (low findings only, e.g. expiring in 45 days) / fail are results; error and skipped are not.
  if (!['pass', 'warn', 'fail'].includes(check.status)) return { error: `starttls check ${check.status}${check.reason ? `: ${check.reason}` : ''}` };
  const tls = a.hosts?.[0]?.facts?.tls;
  const cert = tls?.certificate;
  if (!tls || !cert) return { error: `no certificate facts${tls?.error ? ` (${tls.error})` : ''}` };
  const findings = (a.findings ?? []).filter((f) => f.id.startsWith('tls.'));
  const has = (id: string) => findings.find((f) => f.id === id);
  const details = {
    trusted: tls.trusted,
    hostnameMatch: tls.hostnameMatch,
    certificate: { notBefore: cert.notBefore, notAfter: cert.notAfter, key: `${cert.keyType} ${cert.keyBits}`, signature: cert.signatureAlgorithm },
    findings: findings.map((f) => `${f.id} (${f.severity})`),
  };
  const untrust = ['tls.cert-self-signed', 'tls.cert-untrusted', 'tls.cert-incomplete-chain'].filter((id) => has(id));
  if (typeof tls.trusted !== 'boolean' || tls.trusted === untrust.length > 0) {
    return { error: `inconsistent output: facts.tls.trusted=${tls.trusted} with findings [${untrust.join(', ')}]`, details };
  }
  if (typeof tls.hostnameMatch !== 'boolean' || tls.hostnameMatch === !!has('tls.cert-hostname-mismatch')) {
    return { error: `inconsistent output: facts.tls.hostnameMatch=${tls.hostnameMatch} with${has('tls.cert-hostname-mismatch') ? '' : 'out'} tls.cert-hostname-mismatch`, details };
  }
  const trust = tls.trusted ? V.trusted : has('tls.cert-self-signed') ? V.selfSigned : has('tls.cert-incomplete-chain') ? V.incomplete : V.unknownRoot;
  // Renewal warning: medium under 30 days, low under 60 (main/probe/checks/starttls.ts).
  const expiring = has('tls.cert-expiring-soon');
  const expiry = has('tls.cert-expired') ? V.expired : has('tls.cert-not-yet-valid') ? V.notYetValid : expiring ? (expiring.severity === 'low' ? V.under60 : V.under30) : V.valid;
  return {
    verdicts: {
      trust,
      expiry,
      hostname: tls.hostnameMatch ? V.match : V.mismatch,
      key: has('tls.weak-key') ? V.weak : V.ok,
      signature: has('tls.weak-signature') ? V.weak : V.ok,
    },
    details,
  };
}

// --- testssl ---------------------------------------------------------------

interface TestsslEntry {
  id: string;
  severity: string;
  finding: string;
}

const WEAK_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * testssl's five verdicts from its flat JSON (--jsonfile). With one certificate the ids are bare
 * (cert_trust); with several they carry " <cert#1>": the first certificate is taken.
 */
export function testsslVerdicts(r: ProcessResult, jsonText: string | null): Parsed {
  const problem = processProblem(r);
  if (problem) return { error: problem };
  if (jsonText === null) return { error: `no JSON written (exit ${r.code}: ${lastLine(r.stdout) || lastLine(r.stderr)})` };
  let entries: TestsslEntry[];
  try {
    entries = JSON.parse(jsonText) as TestsslEntry[];
  } catch {
    return { error: `JSON file does not parse: ${jsonText.slice(0, 120)}` };
  }
  const get = (id: string) => entries.find((e) => e.id === id || e.id === `${id} <cert#1>`);
  const fatal = entries.find((e) => e.severity === 'FATAL' || e.id === 'scanProblem');
  if (fatal) return { error: `${fatal.id}: ${fatal.finding}` };
  const chain = get('cert_chain_of_trust');
  const name = get('cert_trust');
  const expiration = get('cert_expirationStatus');
  const key = get('cert_keySize');
  const sig = get('cert_signatureAlgorithm');
  const missing = Object.entries({ cert_chain_of_trust: chain, cert_trust: name, cert_expirationStatus: expiration, cert_keySize: key, cert_signatureAlgorithm: sig })
    .filter(([, e]) => !e)
    .map(([id]) => id);
  if (missing.length) return { error: `no ${missing.join(', ')} in the JSON (certificate not retrieved?)` };
  const details = Object.fromEntries(
    ['cert_chain_of_trust', 'cert_trust', 'cert_expirationStatus', 'cert_notBefore', 'cert_notAfter', 'cert_keySize', 'cert_signatureAlgorithm'].map((id) => [id, get(id) ? `${get(id)!.severity} ${get(id)!.finding}` : null]),
  );

  // Trust. testssl runs `openssl verify` against each of its CA stores (plus --add-ca) and reports
  // the FIRST error. OpenSSL builds the chain to a trust anchor before it checks dates, so
  // "failed (expired)" / "failed (not yet valid)" mean the chain did reach a trusted root: that is
  // "trusted" for the trust verdict, and the date problem is the expiry verdict (as in mxaudit,
  // whose trust verdict is independent of dates).
  const c = chain!.finding;
  let trust: string;
  if (/^passed/.test(c) || /^failed \((expired|not yet valid)\)/.test(c)) trust = V.trusted;
  else if (/\(self signed\)/.test(c)) trust = V.selfSigned;
  else if (/\(self signed CA in chain\)/.test(c)) trust = V.unknownRoot;
  else if (/\(chain incomplete|\(issuer cert missing\)/.test(c)) trust = V.incomplete;
  else if (/^Some certificate trust checks failed.*OK -> \S/.test(c)) trust = V.trusted; // at least one store accepts it
  else trust = `untrusted: other (${c.replace(/\s+$/, '')})`;

  // Expiry: cert_expirationStatus knows expired / < 30 / < 60 days (DAYS2WARN2/1, the same 30/60
  // thresholds as mxaudit); it assumes the start date is past, a future one only shows up as the
  // chain-of-trust error "(not yet valid)".
  const x = expiration!.finding;
  let expiry: string;
  if (/^expired/.test(x)) expiry = V.expired;
  else if (/\(not yet valid\)/.test(c)) expiry = V.notYetValid;
  else if (/expires < 30 days/.test(x)) expiry = V.under30;
  else if (/expires < 60 days/.test(x)) expiry = V.under60;
  else if (/^-?\d+ >= \d+ days/.test(x)) expiry = V.valid;
  else expiry = `other (${x})`;

  // Host name: cert_trust is about the name only ("Ok via SAN", "certificate does not match supplied URI").
  const n = name!.finding;
  const hostname = /^Ok via/i.test(n) ? V.match : /does not match/i.test(n) ? V.mismatch : `other (${n})`;

  return {
    verdicts: {
      trust,
      expiry,
      hostname,
      key: WEAK_SEVERITIES.includes(key!.severity) ? V.weak : V.ok,
      signature: WEAK_SEVERITIES.includes(sig!.severity) ? V.weak : V.ok,
    },
    details,
  };
}

// ---------------------------------------------------------------------------
// Commands.

interface Lab {
  pki: TestPki;
  dns: LabDnsServer;
  /** what the lab DNS answers for MX_NAME, handed to testssl as --ip */
  address: string;
  tmp: string;
}

function mxauditArgs(lab: Lab, port: number, checks: string): string[] {
  return [
    CLI_LAUNCHER,
    'probe',
    `${MX_NAME}:${port}`,
    '--checks',
    checks, // 'tls' = the category: starttls, tls-protocols, dane, submission (skipped: active, and for 587 only)
    '--dns',
    lab.dns.server, // the lab DNS on loopback resolves MX_NAME (and answers the DANE TLSA query)
    '--ca',
    lab.pki.rootFile,
    '--format',
    'json',
    '-q',
  ];
}

/** The testssl options, each with the reason it is there (printed into the results JSON). */
function testsslOptions(lab: Lab): [string[], string][] {
  return [
    [['--quiet'], 'no banner / legal notice'],
    [['--warnings', 'off'], 'never stop to ask a question on the terminal'],
    [['--color', '0'], 'plain text output'],
    [['--nodns', 'none'], 'no DNS lookups at all (no A/AAAA/MX, no rDNS, no CAA)'],
    [['--ip', lab.address], `connect to the address the lab DNS gives for ${MX_NAME}; testssl cannot ask a resolver on a port`],
    [['--add-ca', lab.pki.rootFile], 'trust the test root, in addition to testssl\'s own CA stores'],
    [['--ssl-native'], 'openssl s_client for every handshake instead of testssl\'s bash sockets: about 4.8 s instead of 7.5-11 s per run on the reference machine, with the same certificate findings on every kind of the test PKI'],
    [['-S'], 'server defaults: the only check group that reports the certificate (trust, name, dates, key, signature)'],
    [['--starttls', 'smtp'], 'STARTTLS over SMTP, as mxaudit'],
  ];
}

function testsslArgs(lab: Lab, port: number, jsonFile: string): string[] {
  return [...testsslOptions(lab).flatMap(([o]) => o), '--jsonfile', jsonFile, `${MX_NAME}:${port}`];
}

/**
 * A lean, fixed environment: nothing inherited can turn on phoning out or a proxy.
 * PHONE_OUT=false: no CRL / OCSP / pwnedkeys fetches (the default; pinned).
 * NXCONNECT=127.0.0.1:0: testssl probes its openssl's features with `s_client -connect invalid.`,
 *   which makes glibc ask the system resolver for "invalid." (about 30 queries leaving the
 *   machine, seen with strace); 127.0.0.1:0 is refused locally instead.
 * DAYS2WARN1/2: the expiry warning thresholds (their defaults, 60 and 30 days, the same as mxaudit's).
 */
function testsslEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', HOME: home, TERM: 'dumb', PHONE_OUT: 'false', NXCONNECT: '127.0.0.1:0', DAYS2WARN1: '60', DAYS2WARN2: '30' };
}

const TESTSSL_ENV_NOTE = 'PHONE_OUT=false NXCONNECT=127.0.0.1:0 DAYS2WARN1=60 DAYS2WARN2=30 (lean environment: PATH, LANG=C, HOME=<temp dir>, TERM=dumb)';

function testsslVersion(): { testssl: string | null; openssl: string | null } {
  const r = spawnSync(TESTSSL, ['--version', '--color', '0'], { encoding: 'utf8', timeout: 30_000, env: testsslEnv(os.tmpdir()) });
  if (r.error) return { testssl: null, openssl: null };
  const text = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  return { testssl: /testssl\S*\s+(\S+)/.exec(text)?.[1] ?? 'unknown version', openssl: /Using "([^"]+)"/.exec(text)?.[1] ?? null };
}

// ---------------------------------------------------------------------------
// Results.

interface RunRecord {
  ms: number;
  code: number | null;
  timedOut: boolean;
  verdicts: Verdicts | null;
  error?: string;
}

interface ToolResult {
  runs: RunRecord[];
  medianMs: number;
  /** per dimension: the verdict every run gave, or `mixed (...)` / `no verdict (...)` */
  verdicts: Verdicts;
  /** dimensions where the tool does not reach the truth (in some run) */
  wrongOn: Dimension[];
  sample?: Record<string, unknown>;
  audit?: ProcessTreeAudit;
}

interface ConfigResult {
  id: string;
  label: string;
  truth: Verdicts;
  port?: number;
  error?: string;
  mxaudit?: ToolResult;
  testssl?: ToolResult;
  ratio?: number;
  /** per dimension: '=' or 'mxaudit X / testssl Y' */
  agreement?: Record<Dimension, string>;
  judgement: string;
}

function combine(runs: RunRecord[], truth: Verdicts): { verdicts: Verdicts; wrongOn: Dimension[] } {
  const verdicts = {} as Verdicts;
  const wrongOn: Dimension[] = [];
  for (const d of DIMENSIONS) {
    const seen = runs.map((r) => r.verdicts?.[d] ?? `no verdict (${r.error ?? '?'})`);
    const distinct = [...new Set(seen)];
    verdicts[d] = distinct.length === 1 ? distinct[0] : `mixed (${distinct.map((v) => `${v} x${seen.filter((s) => s === v).length}`).join(', ')})`;
    if (seen.length === 0 || seen.some((v) => v !== truth[d])) wrongOn.push(d);
  }
  return { verdicts, wrongOn };
}

// ---------------------------------------------------------------------------
// Main.

let interrupted = false;
let current: PostfixInstance | null = null;
let labDns: LabDnsServer | null = null;
/** testssl's JSON files and HOME; removed at the end, also on interrupt */
let tmpDir: string | null = null;

export async function runTlsVsTestssl(opts: TlsBenchOptions): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  onInterrupt(async () => {
    interrupted = true;
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    await Promise.allSettled([current?.stop(), labDns?.stop()]);
  }, 'testssl, mxaudit, Postfix and the lab DNS');

  if (!postfixAvailable()) {
    log('bench tls: needs root and Postfix (/usr/sbin/postfix, /usr/lib/postfix/sbin/master): apt-get install postfix');
    return 2;
  }
  if (!ensureBuilt(ROOT, CLI_BUNDLE, opts.build, log)) return 2;
  const unknown = (opts.only ?? []).filter((id) => !TLS_CONFIGS.some((c) => c.id === id));
  if (unknown.length) {
    log(`bench tls: unknown config(s) ${unknown.join(', ')}; known: ${TLS_CONFIGS.map((c) => c.id).join(', ')}`);
    return 2;
  }
  const configs = opts.only ? TLS_CONFIGS.filter((c) => opts.only!.includes(c.id)) : TLS_CONFIGS;

  const versions = opts.testssl ? testsslVersion() : { testssl: null, openssl: null };
  const useTestssl = opts.testssl && versions.testssl !== null;
  if (opts.testssl && !useTestssl) log(`${TESTSSL} is not installed: the testssl columns are skipped (apt-get install testssl.sh to compare).`);
  const useStrace = straceAvailable();
  if (!useStrace) log('strace is not installed: the loopback check is skipped (apt-get install strace).');

  const tmp = mkdtempSync(join(os.tmpdir(), 'mxaudit-bench-tls-'));
  tmpDir = tmp;
  const results: ConfigResult[] = [];
  let floor: { mxaudit: number; testssl: number | null } | null = null;
  let lab: Lab | null = null;
  try {
    log('generating the test PKI (openssl)...');
    const pki = await testPki(MX_NAME);
    labDns = await startLabDns({ [MX_NAME]: { A: ['127.0.0.1'] } });
    // testssl cannot be pointed at a DNS server on a port: ask the lab DNS here and pass its answer as --ip.
    const [address] = await createResolver([labDns.server], 2000, 1).resolveAddresses(MX_NAME);
    if (!address || !/^127\./.test(address)) throw new Error(`lab DNS answered ${address ?? 'nothing'} for ${MX_NAME}`);
    lab = { pki, dns: labDns, address, tmp };
    log(`lab DNS on ${labDns.server}: ${MX_NAME} A ${address}`);
    const tenv = testsslEnv(tmp);

    // Start-up floor: what each tool costs before it talks to any server.
    if (!interrupted) {
      const mx: number[] = [];
      const ts: number[] = [];
      for (let i = 0; i < opts.runs && !interrupted; i++) {
        mx.push((await runGroup(process.execPath, [CLI_LAUNCHER, 'probe', '--help'], { timeoutMs: opts.timeoutMs, cwd: ROOT })).ms);
        // -b: banner only, after testssl has found and probed its openssl (no network).
        if (useTestssl) ts.push((await runGroup(TESTSSL, ['-b', '--color', '0'], { timeoutMs: opts.timeoutMs, cwd: tmp, env: tenv })).ms);
      }
      floor = { mxaudit: median(mx), testssl: useTestssl ? median(ts) : null };
      log(`start floor: mxaudit probe --help ${fmtMs(floor.mxaudit)} ms${useTestssl ? `, testssl -b ${fmtMs(floor.testssl ?? NaN)} ms` : ''}`);
    }

    for (const [index, cfg] of configs.entries()) {
      if (interrupted) break;
      const tag = `[${index + 1}/${configs.length} ${cfg.id}]`;
      const result: ConfigResult = { id: cfg.id, label: cfg.label, truth: cfg.truth, judgement: '' };
      results.push(result);
      try {
        current = await startPostfix({ tlsFiles: pki.certs[cfg.id] });
        const port = current.port;
        result.port = port;
        log(`${tag} Postfix up on ${current.host}:${port} serving the "${cfg.id}" certificate`);

        const mxRuns: RunRecord[] = [];
        const tsRuns: RunRecord[] = [];
        let mxSample: Record<string, unknown> | undefined;
        let tsSample: Record<string, unknown> | undefined;
        // Interleaved, so drift (load, caches) hits both tools alike.
        for (let i = 0; i < opts.runs && !interrupted; i++) {
          const mx = await runGroup(process.execPath, mxauditArgs(lab, port, opts.mxauditChecks), { timeoutMs: opts.timeoutMs, cwd: ROOT });
          const mv = mxauditVerdicts(mx);
          mxRuns.push({ ms: mx.ms, code: mx.code, timedOut: mx.timedOut, ...('error' in mv ? { verdicts: null, error: mv.error } : { verdicts: mv.verdicts }) });
          mxSample ??= mv.details;
          log(`${tag} mxaudit run ${i + 1}/${opts.runs}: ${fmtMs(mx.ms)} ms, ${'error' in mv ? `ERROR ${mv.error}` : DIMENSIONS.map((d) => mv.verdicts[d]).join(' | ')}`);
          if (!useTestssl || interrupted) continue;
          const jsonFile = join(tmp, `${cfg.id}-${i}.json`);
          const ts = await runGroup(TESTSSL, testsslArgs(lab, port, jsonFile), { timeoutMs: opts.timeoutMs, cwd: tmp, env: tenv });
          let jsonText: string | null = null;
          try {
            jsonText = readFileSync(jsonFile, 'utf8');
          } catch {
            /* not written */
          }
          rmSync(jsonFile, { force: true });
          const tv = testsslVerdicts(ts, jsonText);
          tsRuns.push({ ms: ts.ms, code: ts.code, timedOut: ts.timedOut, ...('error' in tv ? { verdicts: null, error: tv.error } : { verdicts: tv.verdicts }) });
          tsSample ??= tv.details;
          log(`${tag} testssl run ${i + 1}/${opts.runs}: ${fmtMs(ts.ms)} ms, ${'error' in tv ? `ERROR ${tv.error}` : DIMENSIONS.map((d) => tv.verdicts[d]).join(' | ')}`);
        }

        result.mxaudit = { runs: mxRuns, medianMs: median(mxRuns.map((r) => r.ms)), ...combine(mxRuns, cfg.truth), sample: mxSample };
        if (useTestssl) {
          result.testssl = { runs: tsRuns, medianMs: median(tsRuns.map((r) => r.ms)), ...combine(tsRuns, cfg.truth), sample: tsSample };
          result.ratio = result.testssl.medianMs / result.mxaudit.medianMs;
          const agreement = {} as Record<Dimension, string>;
          for (const d of DIMENSIONS) {
            const a = result.mxaudit.verdicts[d];
            const b = result.testssl.verdicts[d];
            agreement[d] = a === b ? '=' : `mxaudit ${a} / testssl ${b}`;
          }
          result.agreement = agreement;
        }

        // Loopback check (untimed): every config with --verify-loopback, else the first one.
        if (useStrace && !interrupted && (opts.verifyLoopback || index === 0)) {
          log(`${tag} loopback check: ${useTestssl ? 'each tool' : 'mxaudit'} once under strace -f (untimed)`);
          result.mxaudit.audit = await auditProcessTree(process.execPath, mxauditArgs(lab, port, opts.mxauditChecks), { timeoutMs: opts.timeoutMs * 3, cwd: ROOT }, `${cfg.id}-mxaudit`);
          if (result.testssl) {
            const jsonFile = join(tmp, `${cfg.id}-strace.json`);
            result.testssl.audit = await auditProcessTree(TESTSSL, testsslArgs(lab, port, jsonFile), { timeoutMs: opts.timeoutMs * 3, cwd: tmp, env: tenv }, `${cfg.id}-testssl`);
            rmSync(jsonFile, { force: true });
          }
        }

        const mxJudge = result.mxaudit.wrongOn.length ? `mxaudit WRONG (${result.mxaudit.wrongOn.join(', ')})` : 'mxaudit right';
        const tsJudge = !result.testssl ? '' : result.testssl.wrongOn.length ? `testssl WRONG (${result.testssl.wrongOn.join(', ')})` : 'testssl right';
        result.judgement = !result.testssl ? mxJudge : !result.mxaudit.wrongOn.length && !result.testssl.wrongOn.length ? 'both right' : `${mxJudge}; ${tsJudge}`;
      } catch (err) {
        result.error = (err as Error).message;
        result.judgement = `bench error: ${result.error.split('\n')[0]}`;
        log(`${tag} ERROR: ${result.error}`);
      } finally {
        const pf = current;
        current = null;
        await pf?.stop().catch((err: Error) => log(`${tag} warning: stopping Postfix failed: ${err.message}`));
      }
    }
  } catch (err) {
    log(`bench tls: ${(err as Error).message}`);
    results.push({ id: 'setup', label: 'setup', truth: GOOD, error: (err as Error).message, judgement: `bench error: ${(err as Error).message}` });
  } finally {
    const pf = current;
    current = null;
    await pf?.stop().catch(() => undefined);
    await labDns?.stop().catch(() => undefined);
    labDns = null;
    rmSync(tmp, { recursive: true, force: true });
    tmpDir = null;
  }

  // -------------------------------------------------------------------------
  // Report.
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const postfixVersion = versionLine('postconf', ['-d', 'mail_version'])?.replace('mail_version = ', '') ?? '?';
  out('');
  out(`mxaudit probe --checks ${opts.mxauditChecks} vs testssl -S --starttls smtp: certificate verdicts`);
  out(`median wall time of ${opts.runs} run(s) per tool, whole process; Postfix ${postfixVersion}, node ${process.version}, ${useTestssl ? `testssl ${versions.testssl} (${versions.openssl ?? 'openssl ?'})` : 'testssl not run'}`);
  out('');
  out('Known truth per configuration (test PKI, host name mx.lab.test):');
  for (const r of results.filter((x) => x.id !== 'setup')) {
    const bad = DIMENSIONS.filter((d) => r.truth[d] !== GOOD[d]).map((d) => `${d}: ${r.truth[d]}`);
    out(`  ${r.id}: ${bad.length ? bad.join('; ') : 'everything fine'}`);
  }
  out('');
  const header = ['config', 'mxaudit ms', 'testssl ms', 'ratio', ...DIMENSIONS, 'vs truth'];
  const rows = results.map((r) => [
    r.id,
    r.mxaudit ? fmtMs(r.mxaudit.medianMs) : '-',
    r.testssl ? fmtMs(r.testssl.medianMs) : useTestssl ? '-' : 'skipped',
    r.ratio !== undefined ? fmtRatio(r.ratio) : '-',
    ...DIMENSIONS.map((d) => r.agreement?.[d] ?? (r.mxaudit ? `mxaudit ${r.mxaudit.verdicts[d]}` : '-')),
    r.judgement,
  ]);
  out(renderTable(header, rows));
  out('("=": both tools gave the same verdict; ratio: testssl / mxaudit)');
  out('');

  const timeouts = results.flatMap((r) => [...(r.mxaudit?.runs ?? []), ...(r.testssl?.runs ?? [])]).filter((x) => x.timedOut).length;
  if (timeouts) out(`note: ${timeouts} run(s) hit the ${opts.timeoutMs / 1000} s timeout; their time is counted as the timeout.`);

  const audited = results.filter((r) => r.mxaudit?.audit || r.testssl?.audit);
  let violations = 0;
  if (audited.length) {
    out(`Network destinations (strace -f: connect, sendto, sendmsg, sendmmsg, execve; one untimed run per tool on ${audited.length === results.length ? 'every config' : audited.map((r) => r.id).join(', ')}):`);
    for (const tool of ['mxaudit', 'testssl'] as const) {
      const audits = audited.map((r) => r[tool]?.audit).filter((a): a is ProcessTreeAudit => !!a);
      if (!audits.length) continue;
      const dest = [...new Set(audits.flatMap((a) => Object.keys(a.destinations)))];
      const off = [...new Set(audits.flatMap((a) => [...a.offLoopback, ...a.rawOffLoopback]))];
      const dns = audits.reduce((n, a) => n + a.dnsPackets, 0);
      const unix = [...new Set(audits.flatMap((a) => a.unixPaths))];
      const programs = [...new Set(audits.flatMap((a) => Object.keys(a.programs)))].sort();
      const clients = [...new Set(audits.flatMap((a) => a.networkClients))];
      violations += off.length;
      out(
        `  ${tool}: ${dest.length} destination(s) ${dest.join(', ') || 'none'}; off loopback: ${off.length ? `VIOLATION ${off.join(', ')}` : 'none'}; to port 53: ${dns}` +
          `${unix.length ? `; unix sockets: ${unix.join(', ')}` : ''}; programs run: ${programs.join(' ')}${clients.length ? `; network tools run: ${clients.map((c) => `"${c}"`).join(', ')}` : ''}`,
      );
    }
    out('');
  }

  const errors = results.filter((r) => r.error).map((r) => `${r.id}: ${r.error!.split('\n')[0]}`);
  const disagreements: string[] = [];
  const mxWrong: string[] = [];
  for (const r of results) {
    if (r.mxaudit?.wrongOn.length) {
      mxWrong.push(`${r.id}: mxaudit ${r.mxaudit.wrongOn.map((d) => `${d} "${r.mxaudit!.verdicts[d]}" (truth: ${r.truth[d]})`).join(', ')}`);
    }
    if (!r.agreement || !r.mxaudit || !r.testssl) continue;
    for (const d of DIMENSIONS) {
      if (r.agreement[d] === '=') continue;
      const mxRight = !r.mxaudit.wrongOn.includes(d);
      const tsRight = !r.testssl.wrongOn.includes(d);
      const who = mxRight && tsRight ? 'both right?' : mxRight ? 'mxaudit is right' : tsRight ? 'testssl is right' : 'neither is right';
      disagreements.push(`${r.id} ${d}: mxaudit "${r.mxaudit.verdicts[d]}", testssl "${r.testssl.verdicts[d]}", truth "${r.truth[d]}": ${who}`);
    }
  }
  const testsslWrong = results.filter((r) => r.testssl?.wrongOn.length).map((r) => `${r.id} (${r.testssl!.wrongOn.join(', ')})`);
  const ratios = results.map((r) => r.ratio).filter((x): x is number => x !== undefined && Number.isFinite(x));
  const gm = geometricMean(ratios);

  for (const e of errors) out(`BENCH ERROR (config not measured): ${e}`);
  for (const w of mxWrong) out(`WRONG VERDICT: ${w}`);
  for (const d of disagreements) out(`DISAGREEMENT: ${d}`);
  if (floor) out(`process start floor (median of ${opts.runs}): mxaudit \`probe --help\` ${fmtMs(floor.mxaudit)} ms, testssl \`-b\` (finds and probes its openssl) ${floor.testssl === null ? '-' : `${fmtMs(floor.testssl)} ms`}`);
  if (useTestssl) {
    const verdictCount = results.filter((r) => r.agreement).length * DIMENSIONS.length;
    out(
      ratios.length
        ? `geometric-mean speed-up (testssl/mxaudit) over ${ratios.length} config(s): ${fmtRatio(gm)} (min ${fmtRatio(Math.min(...ratios))}, max ${fmtRatio(Math.max(...ratios))}); goal >= ${SPEED_GOAL}x: ${gm >= SPEED_GOAL ? 'MET' : 'NOT MET'}`
        : 'no speed-up measured',
    );
    out(`agreement: ${verdictCount - disagreements.length}/${verdictCount} verdicts; ${disagreements.length} disagreement(s)${disagreements.length ? ' (see DISAGREEMENT lines: who is right against the known truth)' : ''}; testssl vs truth: ${testsslWrong.length ? `wrong on ${testsslWrong.join(', ')}` : 'all right'}`);
  } else {
    out('speed-up and agreement not measured: testssl not run');
  }
  out(`mxaudit vs truth: ${mxWrong.length ? `${mxWrong.length} config(s) WRONG` : 'all right'}${interrupted ? ' (interrupted)' : ''}`);
  if (violations) out(`LOOPBACK VIOLATION: ${violations} off-loopback destination(s), see above`);

  const example = lab ?? ({ pki: { rootFile: '<test root CA>' }, dns: { server: '127.0.0.1:<dns port>' }, address: '127.0.0.1', tmp } as unknown as Lab);
  const json = {
    benchmark: 'tls-vs-testssl',
    date: new Date().toISOString(),
    environment: {
      node: process.version,
      testssl: versions.testssl,
      testsslOpenssl: versions.openssl,
      postfix: versionLine('postconf', ['-d', 'mail_version']),
      openssl: versionLine('openssl', ['version']),
      os: `${os.type()} ${os.release()}`,
      cpu: `${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`,
      commit: versionLine('git', ['-C', ROOT, 'rev-parse', 'HEAD']),
    },
    options: { runs: opts.runs, timeoutMs: opts.timeoutMs, only: opts.only, mxauditChecks: opts.mxauditChecks, testssl: useTestssl, verifyLoopback: opts.verifyLoopback, strace: useStrace },
    commands: {
      mxaudit: `node ${relative(ROOT, CLI_LAUNCHER)} ${mxauditArgs(example, 0, opts.mxauditChecks).slice(1).join(' ')}`.replace(`${MX_NAME}:0`, `${MX_NAME}:PORT`),
      testssl: `${TESTSSL} ${testsslArgs(example, 0, '<tmp>/CONFIG-RUN.json').join(' ')}`.replace(`${MX_NAME}:0`, `${MX_NAME}:PORT`),
      testsslEnvironment: TESTSSL_ENV_NOTE,
      testsslOptions: testsslOptions(example).map(([o, why]) => ({ option: o.join(' '), why })),
    },
    truth: Object.fromEntries(TLS_CONFIGS.map((c) => [c.id, c.truth])),
    results,
    summary: {
      geometricMeanRatio: Number.isFinite(gm) ? gm : null,
      startFloorMs: floor,
      goal: SPEED_GOAL,
      goalMet: Number.isFinite(gm) ? gm >= SPEED_GOAL : null,
      disagreements,
      mxauditWrong: mxWrong,
      testsslWrong,
      loopbackViolations: violations,
      benchErrors: errors,
      interrupted,
    },
  };
  mkdirSync(dirname(opts.jsonPath), { recursive: true });
  writeFileSync(opts.jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  out(`results written to ${relative(process.cwd(), opts.jsonPath) || opts.jsonPath}`);

  if (interrupted) return 130;
  if (mxWrong.length) return 1;
  return errors.length ? 2 : 0;
}
