// Loopback audit of a running server (gateway suite): strace attached to every process of the
// server (-f: and to what they fork) while `run` goes on, listing every address the server sent
// to or connected to. Used on the untimed warm-up, so the measured run is not slowed by strace.
// A server that asks the system resolver (Haraka's dns-list did once, with its default config)
// or anything off 127.0.0.0/8 and ::1 shows up here.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tallyDestinations, type DestinationTally } from '../test/support/strace-destinations.js';

export type ServerAudit = DestinationTally;

export async function auditServerDuring<T>(pids: number[], tag: string, run: () => Promise<T>): Promise<{ result: T; audit: ServerAudit }> {
  if (pids.length === 0) throw new Error('no server process to audit');
  const log = join(tmpdir(), `mxaudit-bench-gw-strace-${process.pid}-${tag}.log`);
  const strace = spawn('strace', ['-f', '-qq', '-e', 'trace=connect,sendto,sendmsg,sendmmsg', '-o', log, ...pids.flatMap((p) => ['-p', String(p)])], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => strace.once('exit', () => r()));
  try {
    // strace reports nothing when it is attached: give it a moment before the traffic starts.
    await new Promise((r) => setTimeout(r, 500));
    if (strace.exitCode !== null) throw new Error(`strace exited ${strace.exitCode} (not root, or ptrace not allowed?)`);
    const result = await run();
    strace.kill('SIGINT'); // detaches, the server runs on
    await exited;
    const audit: ServerAudit = tallyDestinations(readFileSync(log, 'utf8'));
    return { result, audit };
  } finally {
    if (strace.exitCode === null) strace.kill('SIGKILL');
    rmSync(log, { force: true });
  }
}
