// `mxaudit serve`: the desktop app's UI in a browser, on 127.0.0.1, until interrupted.
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { UsageError, type CliIo } from './io.js';

export const serveHelp = `Usage: mxaudit serve [--port N] [--data DIR] [--no-open]

Serves the desktop app's screens to your browser, on 127.0.0.1 only. The printed URL carries a
random token (in its #fragment): without it, and from any other origin, the API refuses.

  --port N     port on 127.0.0.1 (default: a free one)
  --data DIR   where engagements, assessments, exports and the gateway's mail store are kept
               (default: $XDG_DATA_HOME/mxaudit or ~/.local/share/mxaudit)
  --no-open    do not open the browser`;

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { port: { type: 'string' }, data: { type: 'string' }, 'no-open': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(serveHelp);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: expected a port number 0-65535`);
  const dataDir = resolve(values.data ?? join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mxaudit'));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { startServe } = await import('../serve/serve-server.js');
  let handle;
  try {
    handle = await startServe({ port, dataDir });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use`);
    throw err;
  }
  io.out(`mxaudit serve: ${handle.url}`);
  io.err(`data: ${dataDir}; listening on 127.0.0.1:${handle.port} only; Ctrl-C to stop`);
  if (!values['no-open']) openBrowser(handle.url);
  await new Promise<void>((done) => {
    if (io.signal?.aborted) return done();
    io.signal?.addEventListener('abort', () => done(), { once: true });
    process.once('SIGTERM', () => done());
  });
  await handle.close();
  return 0;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // no browser opener: the URL is printed
  }
}
