// `mxaudit serve`: the desktop app's UI in a browser, on 127.0.0.1, until interrupted.
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { UsageError, type CliIo } from './io.js';

export const serveHelp = `Usage: mxaudit serve [--port N] [--data DIR] [--no-open]

Serves the desktop app's screens to your browser, on 127.0.0.1 only. The printed URL carries a
random token (in its #fragment): without it, and from any other origin, the API refuses.

  --port N     port on 127.0.0.1 (default: a free one)
  --data DIR   where engagements, assessments, exports and the gateway's mail store are kept
               (default: $XDG_DATA_HOME/mxaudit or ~/.local/share/mxaudit)
  --no-open    do not open the browser

The browser is opened on a private file (mode 0600, removed at exit) that redirects to the URL,
so the token never appears in a command line other local users can read. MXAUDIT_OPENER names
the program that opens it (default: xdg-open, open on macOS).`;

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
  const removeOpenFile = values['no-open'] ? () => {} : openBrowser(handle.url);
  process.once('exit', removeOpenFile);
  try {
    await new Promise<void>((done) => {
      if (io.signal?.aborted) return done();
      io.signal?.addEventListener('abort', () => done(), { once: true });
      process.once('SIGTERM', () => done());
    });
    await handle.close();
  } finally {
    removeOpenFile();
    process.removeListener('exit', removeOpenFile);
  }
  return 0;
}

/**
 * Opens the browser on a redirect file, as Jupyter does: a URL argument (with the token) would be
 * readable by every local user in /proc/<pid>/cmdline of the opener and the browser. The file is
 * 0600 in a 0700 folder; returns its removal.
 */
function openBrowser(url: string): () => void {
  const cmd = process.env.MXAUDIT_OPENER || (process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open');
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-open-')); // mkdtemp: mode 0700
  const file = join(dir, 'open.html');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>mxaudit</title><p><a href="${href}">Open mxaudit</a></p>\n`, { mode: 0o600, flag: 'wx' });
  try {
    spawn(cmd, [file], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // no browser opener: the URL is printed
  }
  return remove;
}
