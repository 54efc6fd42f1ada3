// `mxaudit serve` opens the browser without putting the token on a command line: the opener
// (here a script standing in for xdg-open, which records what it was given) gets the path of a
// private redirect file, which is removed when serve stops.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../../browser/support/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-opener-'));
let serve: ServeProcess | undefined;
afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('mxaudit serve opening the browser', () => {
  it('gives the opener a 0600 file path, never the token, and removes the file at exit', async () => {
    const record = join(dir, 'record');
    const opener = join(dir, 'opener.sh');
    // What the opener saw: its argv (as /proc/<pid>/cmdline shows it to every user), the file's mode and text.
    writeFileSync(opener, `#!/bin/sh\ntr '\\0' ' ' < /proc/$$/cmdline > "${record}.tmp"\necho >> "${record}.tmp"\nstat -c '%a' "$1" "$(dirname "$1")" >> "${record}.tmp"\ncat "$1" >> "${record}.tmp"\nmv "${record}.tmp" "${record}"\n`);
    chmodSync(opener, 0o755);
    serve = await startServeProcess({ MXAUDIT_OPENER: opener }, { open: true });
    const deadline = Date.now() + 10_000;
    while (!existsSync(record) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [cmdline, fileMode, dirMode, ...html] = readFileSync(record, 'utf8').split('\n');
    expect(cmdline).not.toContain(serve.token);
    const file = cmdline.trim().split(' ').at(-1)!;
    expect(file).toMatch(/\/open\.html$/);
    expect([fileMode, dirMode]).toEqual(['600', '700']);
    // The file leads to the URL with the token.
    expect(html.join('\n')).toContain(`url=${serve.url}`);
    expect(existsSync(file)).toBe(true);
    await serve.stop();
    serve = undefined;
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
  });
});
