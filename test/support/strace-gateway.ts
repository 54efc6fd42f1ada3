// `mxaudit gateway` (the built CLI) as a child of strace, for tests that prove what the gateway
// does on the system calls (fsync order, file reads), and a parser for strace -f -ttt -T -yy.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const STRACE = '/usr/bin/strace';
export const straceAvailable = existsSync(STRACE);
const bin = resolve(import.meta.dirname, '../../main/cli/bin.mjs');

export interface Call {
  pid: number;
  start: number;
  end: number;
  name: string;
  args: string;
  result: number;
}

/** strace -f -ttt -T -yy lines as calls with start and end times, unfinished/resumed pairs joined; failed calls left out. */
export function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<number, { start: number; head: string }>();
  for (const line of text.split('\n')) {
    const m = /^(\d+) +(\d+\.\d+) (.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const ts = Number(m[2]);
    let body = m[3];
    let start = ts;
    if (body.endsWith('<unfinished ...>')) {
      open.set(pid, { start: ts, head: body.slice(0, -'<unfinished ...>'.length).trimEnd() });
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      const o = open.get(pid);
      if (!o) continue;
      open.delete(pid);
      start = o.start;
      body = o.head + resumed[2];
    }
    const call = /^(\w+)\((.*)\) += (-?\d+)(?:<[^>]*>)?[^<]*<(\d+\.\d+)>$/.exec(body);
    if (!call || Number(call[3]) < 0) continue;
    calls.push({ pid, start, end: start + Number(call[4]), name: call[1], args: call[2], result: Number(call[3]) });
  }
  return calls;
}

/** The path strace -yy shows for the first argument's file descriptor. */
export const fdPath = (c: Call) => /^\d+<(.*?)>/.exec(c.args)?.[1] ?? '';

export interface TracedGateway {
  port: number;
  stderr(): string;
  /** Signals the gateway (strace's child; signalling strace would detach and leave it running) and waits. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the gateway under strace, tracing `calls` (strace's -e trace= list) into `traceFile`. */
export function spawnTracedGateway(configPath: string, traceFile: string, calls: string): Promise<TracedGateway> {
  const child: ChildProcess = spawn(STRACE, ['-f', '-ttt', '-T', '-yy', '-s', '200', '-e', `trace=${calls}`, '-o', traceFile, process.execPath, bin, 'gateway', '--config', configPath, '--listen', '127.0.0.1:0', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const tracee = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      process.kill(tracee, signal);
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  };
  return new Promise((ok, fail) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [^ ]+:(\d+) /.exec(err);
      if (m) ok({ port: Number(m[1]), stderr: () => err, stop });
    });
    child.once('exit', (code) => fail(new Error(`gateway exited (${code}) before listening: ${err}`)));
    setTimeout(() => {
      void stop('SIGKILL');
      fail(new Error(`gateway not listening after 30 s: ${err}`));
    }, 30_000).unref();
  });
}
