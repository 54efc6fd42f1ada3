// A real, throw-away rspamd (Debian package "rspamd") on loopback, for the spam-engine tests.
//
// Everything lives in one temp dir: <dir>/rspamd.conf (top level, only the normal worker, no
// controller or proxy), <dir>/local/override.d/*.conf (modules switched off), <dir>/db, run, tmp.
// The stock rules and modules from /etc/rspamd are loaded otherwise, so scoring is rspamd's own.
//
// Loopback only: every module that asks the network (DNS lists, SPF/DKIM/DMARC/ARC lookups,
// fuzzy hashes, HTTP maps, Redis, external scanners) is disabled, and rspamd's own resolver
// asks only `dnsServer` (the tests' dns2 server on 127.0.0.1), never /etc/resolv.conf.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { tallyDestinations, type DestinationTally } from './strace-destinations.js';

export const RSPAMD_BIN = '/usr/bin/rspamd';
const RSPAMD_USER = '_rspamd';
// A cold start compiles ~9600 public suffixes (hyperscan): 10-13 s alone on 2 cores, more under load.
const START_TIMEOUT_MS = 50_000;

export const rspamdAvailable = () => existsSync(RSPAMD_BIN) && existsSync('/etc/rspamd/common.conf');

/** `describe` that runs where rspamd is installed, and fails instead when MXAUDIT_REQUIRE_RSPAMD=1. */
export const describeRspamd: typeof describe =
  rspamdAvailable() || process.env.MXAUDIT_REQUIRE_RSPAMD === '1' ? describe : (describe.skip as typeof describe);

/**
 * Modules that would reach the network (DNS, HTTP maps, Redis, UDP to fuzzy servers, scanners),
 * or that need Redis to do anything. Off through override.d, which the stock module files include
 * at priority 10.
 */
export const NETWORK_MODULES = [
  'rbl', 'surbl', 'emails', 'spf', 'dkim', 'dmarc', 'arc', 'dkim_signing', 'bimi', 'asn', 'mx_check',
  'hfilter', 'fuzzy_check', 'phishing', 'url_redirector', 'multimap', 'whitelist', 'mime_types', 'mid',
  'rspamd_update', 'dcc', 'external_services', 'antivirus', 'p0f', 'neural', 'reputation', 'ratelimit',
  'greylist', 'replies', 'history_redis', 'spamtrap', 'clickhouse', 'elastic', 'aws_s3',
  'metadata_exporter', 'metric_exporter', 'external_relay', 'maillist', 'http_headers',
];

export interface RspamdInstance {
  host: string;
  /** The normal worker (HTTP /checkv2). */
  port: number;
  /** The main process: it leads the group of its workers. */
  pid: number;
  dir: string;
  /** Milliseconds from spawn to the normal worker accepting connections. */
  startMs: number;
  /** Whether rspamd runs under strace (the `strace` option, and strace installed). */
  traced: boolean;
  log(): string;
  /** Stops the whole process group and removes the temp dir; idempotent. With strace: every address rspamd sent to. */
  stop(): Promise<TrafficAudit | null>;
}

/** Where rspamd's processes connected or sent to, from strace's connect/sendto/sendmsg lines. */
export type TrafficAudit = DestinationTally;

export interface RspamdOptions {
  /** `127.0.0.1:PORT` of the DNS server rspamd may ask (the tests' dns2 server). */
  dnsServer: string;
  /** Run rspamd as a child of strace (when installed), tracing where every process connects and sends. */
  strace?: boolean;
}

export const STRACE_BIN = '/usr/bin/strace';
const TRACED_CALLS = 'connect,sendto,sendmsg,sendmmsg';

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

const accepting = (port: number) =>
  new Promise<boolean>((ok) => {
    const c = connect({ host: '127.0.0.1', port }, () => (c.destroy(), ok(true)));
    c.on('error', () => ok(false));
  });

function writeConfig(dir: string, port: number, dnsServer: string): string {
  const local = join(dir, 'local');
  for (const d of ['local/override.d', 'db', 'run', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  // The stock rspamd.conf, minus the controller, proxy and fuzzy workers and the log file.
  writeFileSync(
    join(dir, 'rspamd.conf'),
    `.include "$CONFDIR/common.conf"
options {
  pidfile = "$RUNDIR/rspamd.pid";
  .include "$CONFDIR/options.inc"
  .include(try=true; priority=10) "$LOCAL_CONFDIR/override.d/options.inc"
}
logging {
  type = "console";
  level = "notice";
  color = false;
}
worker "normal" {
  bind_socket = "127.0.0.1:${port}";
  count = 1;
  .include "$CONFDIR/worker-normal.inc"
}
`,
  );
  const override = (name: string, body: string) => writeFileSync(join(local, 'override.d', name), body);
  override(
    'options.inc',
    `# C filters without dkim (DNS) and fuzzy_check (UDP to rspamd.com).
filters = "chartable,regexp";
dns { nameserver = ["${dnsServer}"]; timeout = 1s; retransmits = 1; }
tempdir = "${join(dir, 'tmp')}";
# No background probes of DNS lists.
disable_monitoring = true;
explicit_modules = ["settings"];
`,
  );
  // Bayes stays configured as shipped: without Redis servers it has no backend and asks nobody.
  for (const m of NETWORK_MODULES) override(`${m}.conf`, 'enabled = false;\n');
  return local;
}

export async function startRspamd(opts: RspamdOptions): Promise<RspamdInstance> {
  if (!rspamdAvailable()) throw new Error(`rspamd is not installed (${RSPAMD_BIN}): apt-get install --no-install-recommends rspamd`);
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-rspamd-'));
  const port = await freePort();
  const local = writeConfig(dir, port, opts.dnsServer);
  // Workers run as _rspamd (rspamd refuses root workers): they write the db and tmp dirs.
  const uid = Number(spawnSync('id', ['-u', RSPAMD_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', RSPAMD_USER], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no user ${RSPAMD_USER} (the rspamd package creates it)`);
  const chownTree = (p: string) => {
    chownSync(p, uid, gid);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(join(p, e));
  };
  chownTree(dir);

  const vars = { LOCAL_CONFDIR: local, DBDIR: join(dir, 'db'), RUNDIR: join(dir, 'run'), LOGDIR: dir };
  const args = ['-f', '-c', join(dir, 'rspamd.conf'), '-u', RSPAMD_USER, '-g', RSPAMD_USER, ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`])];
  const traced = !!opts.strace && existsSync(STRACE_BIN);
  const traceFile = join(dir, 'strace.log');
  // --seccomp-bpf: only the traced calls stop the process, so start-up is barely slower.
  const [cmd, argv] = traced ? [STRACE_BIN, ['-f', '--seccomp-bpf', '-qq', '-e', `trace=${TRACED_CALLS}`, '-o', traceFile, RSPAMD_BIN, ...args]] : [RSPAMD_BIN, args];
  const t0 = Date.now();
  // detached: rspamd (or strace over it) leads a new process group, so one signal reaches every worker.
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid!;
  let log = '';
  const keep = (d: Buffer) => (log += d.toString()).length > 200_000 && (log = log.slice(-100_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (err) => (log += `\nspawn: ${err.message}`));

  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      /* the group is gone */
    }
  };
  let stopping: Promise<TrafficAudit | null> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // The main process stops its workers on SIGTERM; whatever is left after 10 s is killed.
      signalGroup('SIGTERM');
      if (!(await groupGone(pgid, 10_000))) {
        signalGroup('SIGKILL');
        await groupGone(pgid, 5_000);
      }
      const audit = traced && existsSync(traceFile) ? tallyDestinations(readFileSync(traceFile, 'utf8')) : null;
      rmSync(dir, { recursive: true, force: true });
      return audit;
    })());

  try {
    while (!(await accepting(port))) {
      if (child.exitCode !== null) throw new Error(`rspamd exited (${child.exitCode}) before listening: ${log.slice(-3000)}`);
      if (Date.now() - t0 > START_TIMEOUT_MS) throw new Error(`rspamd not listening after ${START_TIMEOUT_MS} ms: ${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, pid: pgid, dir, startMs: Date.now() - t0, traced, log: () => log, stop };
}

/** Waits up to `ms` for the process group to be empty; whether it is. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (!groupAlive(pgid)) return true;
  return !groupAlive(pgid);
}

/** Whether any process is left in the group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
