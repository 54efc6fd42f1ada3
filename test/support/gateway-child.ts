// `mxaudit gateway` as a child process for load and robustness tests: the built CLI bundle,
// a JSON config in a temp dir, the port read from the banner line, RSS from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const bin = resolve(import.meta.dirname, '../../main/cli/bin.mjs');

/** A config for load tests: one user, no tarpit, no block lists, DNS only to a dead loopback port. */
export function writeLoadConfig(dir: string, storeDir: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `gateway-${Date.now().toString(36)}.json`);
  const config = {
    storeDir,
    dns: ['127.0.0.1:1'],
    layers: {
      'recipient-lookup': { directory: { users: ['user@lab.test'] }, tarpitSeconds: 0 },
      'connection-filter': { providers: [] },
    },
    ...extra,
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface GatewayChild {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Everything the gateway wrote to stderr so far. */
  stderr(): string;
  /** Resident set size in KiB (VmRSS), or NaN once the process is gone. */
  rssKb(): number;
  /** Highest RSS seen so far (VmHWM) in KiB. */
  peakRssKb(): number;
  /** Exit code or signal name once the process has exited. */
  exited: Promise<number | string>;
  alive(): boolean;
  /** SIGTERM and wait (the gateway stops cleanly); SIGKILL after 10 s. */
  stop(): Promise<number | string>;
}

const procStatus = (pid: number, field: string): number => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
};

export async function spawnGateway(configPath: string, listen = '127.0.0.1:0'): Promise<GatewayChild> {
  const child = spawn(process.execPath, [bin, 'gateway', '--config', configPath, '--listen', listen, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let done = false;
  const exited = new Promise<number | string>((ok) =>
    child.once('exit', (code, signal) => {
      done = true;
      ok(signal ?? code ?? -1);
    }),
  );
  const port = await new Promise<number>((ok, fail) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [^ ]+:(\d+) /.exec(err);
      if (m) ok(Number(m[1]));
    });
    void exited.then((code) => fail(new Error(`gateway exited (${code}) before listening: ${err}`)));
    setTimeout(() => fail(new Error(`gateway not listening after 20 s: ${err}`)), 20_000).unref();
  });
  const pid = child.pid!;
  return {
    child,
    pid,
    port,
    stderr: () => err,
    rssKb: () => procStatus(pid, 'VmRSS'),
    peakRssKb: () => procStatus(pid, 'VmHWM'),
    exited,
    alive: () => !done,
    stop: async () => {
      if (done) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}
