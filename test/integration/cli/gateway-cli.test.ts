// `mxaudit gateway` as a user runs it: lab mode, decisions printed, clean stop; config errors.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-gwcli-'));

describe('mxaudit gateway', () => {
  it.skipIf(!existsSync('/usr/bin/swaks'))('--lab serves mail for the lab directory, prints each decision, stops on SIGINT', async () => {
    const config = join(dir, 'gw.yaml');
    writeFileSync(config, `storeDir: ${join(dir, 'store')}\nlayers:\n  recipient-lookup: { tarpitSeconds: 0 }\n`);
    const child = spawn(process.execPath, [bin, 'gateway', '--lab', '--config', config, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const port = await new Promise<number>((ok, fail) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) ok(Number(m[1]));
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
    });
    const swaks = (...a: string[]) => promisify(execFile)('swaks', ['--server', `127.0.0.1:${port}`, '--from', 'x@friend.test', '--quit-after', 'RCPT', ...a]).then((r) => r.stdout, (e: { stdout: string }) => e.stdout);
    expect(await swaks('--to', 'alice@lab.test', '--xclient-addr', '192.0.2.10')).toMatch(/<- +250 /);
    expect(await swaks('--to', 'nobody@lab.test', '--xclient-addr', '192.0.2.10')).toMatch(/<\*\* +550 5\.1\.1 User unknown/);
    await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/192\.0\.2\.10 rcpt <nobody@lab\.test>: recipient-lookup reject \(unknown recipient <nobody@lab\.test>\) -> 550 5\.1\.1 User unknown/);
    child.kill('SIGINT');
    expect(await new Promise((ok) => child.once('exit', ok))).toBe(0);
  });

  it('a config error names the path and the problem, exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'layers:\n  recipient-lookup: { tarpitSeconds: -1 }\n');
    const r = await promisify(execFile)(process.execPath, [bin, 'gateway', '--config', bad]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/layers\.recipient-lookup\.tarpitSeconds: Too small/);
  });
});
