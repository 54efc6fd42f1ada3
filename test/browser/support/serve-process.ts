// `mxaudit serve` as users run it: the built CLI bundle in a child process, on a free port,
// with its own data folder; the URL (with the token) read from its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');

export interface ServeProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM (serve stops its gateway and closes), SIGKILL after 10 s; removes the data folder. */
  stop(): Promise<void>;
}

/** `open`: let serve open the browser (tests set MXAUDIT_OPENER to a recording script). */
export async function startServeProcess(extraEnv: Record<string, string> = {}, opts: { open?: boolean } = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxaudit-serve-'));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, ...(opts.open ? [] : ['--no-open'])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extraEnv },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`serve printed no URL within 20 s: ${out}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[a-f0-9]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        ok(m[1]);
      }
    });
    void exited.then(() => fail(new Error(`serve exited: ${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: u.hash.replace('#token=', ''),
    dataDir,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
