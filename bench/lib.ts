// Small helpers shared by the benchmarks: bounded child processes with wall-clock timing,
// statistics, a plain-text table, and an strace-based check that a process only talked to loopback.
import { spawn, spawnSync } from 'node:child_process';

// ---------------------------------------------------------------------------
// Child processes.

export interface ProcessResult {
  /** exit code, null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** wall time from spawn() to the 'close' event (process exited and its stdio drained), ms */
  ms: number;
  timedOut: boolean;
  /** spawn error (ENOENT, ...) */
  error?: string;
}

// Every child leads its own process group, and the whole group is killed on timeout, when the
// leader exits (stragglers a script left behind) and on interrupt: a script (testssl.sh forks
// openssl, date, awk...) or a client that forks must not leave processes running.

/** Process groups still running: killed by killAllChildren(). */
const liveGroups = new Set<number>();

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** SIGKILLs every process group started by runProcess() that is still running (synchronous). */
export function killAllChildren(): void {
  for (const pgid of liveGroups) killGroup(pgid);
  liveGroups.clear();
}

/**
 * On SIGINT/SIGTERM (once): kill every child group at once, then run `cleanup` (stop servers)
 * for at most 8 s, and exit 130. Returns the function that removes the handlers.
 */
export function onInterrupt(cleanup: () => Promise<unknown> = async () => {}, what = 'child processes'): () => void {
  let interrupted = false;
  const handler = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping ${what}...\n`);
    killAllChildren();
    const deadline = new Promise((r) => setTimeout(r, 8000));
    void Promise.race([cleanup().catch(() => {}), deadline]).finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Run `cmd args` to completion as the leader of a new process group, SIGKILLed after `timeoutMs`; times the whole process. */
export function runProcess(cmd: string, args: string[], opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: string | undefined;
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pgid = child.pid;
    if (pgid) liveGroups.add(pgid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid) killGroup(pgid);
    }, opts.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => (spawnError = err.message));
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      if (pgid) {
        killGroup(pgid);
        liveGroups.delete(pgid);
      }
      resolve({ code, signal, stdout, stderr, ms, timedOut, ...(spawnError ? { error: spawnError } : {}) });
    });
  });
}

/** First line of `cmd args` output, or null when the program is missing / fails. */
export function versionLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || r.stderr).trim().split('\n')[0] ?? null;
}

// ---------------------------------------------------------------------------
// Statistics.

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function geometricMean(values: number[]): number {
  const ok = values.filter((v) => Number.isFinite(v) && v > 0);
  if (ok.length === 0) return NaN;
  return Math.exp(ok.reduce((sum, v) => sum + Math.log(v), 0) / ok.length);
}

export const fmtMs = (ms: number) => (Number.isFinite(ms) ? String(Math.round(ms)) : '-');
export const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x` : '-');

// ---------------------------------------------------------------------------
// Plain-text table.

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------
// Loopback verification with strace.

export interface NetworkAudit {
  /** every remote address seen in connect/sendto/sendmsg (AF_INET/AF_INET6), with count */
  destinations: Record<string, number>;
  /** destinations outside 127.0.0.0/8 and ::1 */
  offLoopback: string[];
  /** connect/sendto/sendmsg towards port 53 (any address) */
  dnsPackets: number;
  /** AF_PACKET sends/binds on an interface other than lo */
  rawOffLoopback: string[];
  /** AF_UNIX paths connected to (e.g. nscd), for the record */
  unixPaths: string[];
  exitCode: number | null;
}

export function straceAvailable(): boolean {
  return versionLine('strace', ['-V']) !== null;
}

/**
 * Runs the command under `strace -f` (untimed) and reports every network destination it used.
 * One implementation for every suite: the fuller process-tree audit of tls-support.ts.
 */
export async function auditNetwork(cmd: string, args: string[], timeoutMs: number, tag: string): Promise<NetworkAudit> {
  const { auditProcessTree } = await import('./tls-support.js');
  return auditProcessTree(cmd, args, { timeoutMs }, tag);
}
