// Loopback audit of a running server (gateway suite): strace attached to every process of the
// server (-f: and to what they fork) while `run` goes on, listing every address the server sent
// to or connected to. Used on the untimed warm-up, so the measured run is not slowed by strace.
// A server that asks the system resolver (Haraka's dns-list did once, with its default config)
// or anything off 127.0.0.0/8 and ::1 shows up here.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerAudit {
  /** Remote addresses with port (ip:port), with count. */
  destinations: Record<string, number>;
  offLoopback: string[];
  /** Anything sent to port 53: the lab DNS listens on a high port, so this is a system resolver. */
  port53: string[];
}

const isLoopback = (addr: string) => /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./i.test(addr);

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
    const audit: ServerAudit = { destinations: {}, offLoopback: [], port53: [] };
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const port = /sin6?_port=htons\((\d+)\)/.exec(line)?.[1];
      for (const m of line.matchAll(/inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/g)) {
        const a = m[1] ?? m[2];
        const key = port ? `${a}:${port}` : a;
        audit.destinations[key] = (audit.destinations[key] ?? 0) + 1;
        if (!isLoopback(a) && !audit.offLoopback.includes(key)) audit.offLoopback.push(key);
        if (port === '53' && !audit.port53.includes(key)) audit.port53.push(key);
      }
    }
    return { result, audit };
  } finally {
    if (strace.exitCode === null) strace.kill('SIGKILL');
    rmSync(log, { force: true });
  }
}
