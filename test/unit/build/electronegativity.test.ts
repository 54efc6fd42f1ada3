// Electronegativity, offline: our Electron code has no HIGH or MEDIUM finding left unreviewed,
// and the same check fails on a window configured the unsafe way (so a regression fails CI).
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script of .ci/, no types
import { verdict } from '../../../.ci/electronegativity-verdict.mjs';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

describe('electronegativity', () => {
  it('passes on our main process, preload and renderer', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mxaudit-eneg-'));
    try {
      const r = await run('bash', [join(root, '.ci/electronegativity.sh')], { cwd: root, env: { ...process.env, ELECTRONEGATIVITY_OUT: out }, timeout: 110_000 }).catch((e) => e);
      expect(r.stdout).toMatch(/0 HIGH\/MEDIUM not reviewed/);
      // The table was read: shell.openExternal is there, as the one reviewed manual-review reminder.
      expect(r.stdout).toMatch(/ok +MEDIUM +OPEN_EXTERNAL_JS_CHECK main\/app\/index\.ts/);
      // The preload is registered on the session, not in the window's options: not flagged at all.
      expect(r.stdout).not.toMatch(/PRELOAD_JS_CHECK/);
      expect(r.code ?? 0).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('fails on an unsafe window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-eneg-bad-'));
    try {
      mkdirSync(join(dir, 'app'));
      writeFileSync(
        join(dir, 'app/index.js'),
        "const { app, BrowserWindow } = require('electron');\napp.whenReady().then(() => {\n  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false, preload: __dirname + '/p.js' } });\n  w.loadURL('http://example.com');\n});\n",
      );
      const [cmd, ...args] = ['unshare', '-n', 'npx', '--no-install', 'electronegativity', '-i', dir, '-r', '-e', '45.6.0', '-v', 'false'];
      const { stdout } = await run(cmd, args, { cwd: root, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 });
      const { complete, blocking } = verdict([stdout]);
      expect(complete).toBe(true);
      const ids = blocking.map((f: { issue: string }) => f.issue);
      expect(ids).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'CSP_GLOBAL_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PRELOAD_JS_CHECK']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
