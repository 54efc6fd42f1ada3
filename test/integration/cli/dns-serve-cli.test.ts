// `mxaudit dns-serve` as a user runs it: zones from a YAML file, answers on loopback, clean stop.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createResolver } from '../../../main/net/resolver.js';

const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-dns-'));

describe('mxaudit dns-serve', () => {
  it('serves a YAML zone file until interrupted', async () => {
    const zones = join(dir, 'zones.yaml');
    writeFileSync(zones, ['lab.test:', '  MX: [{ priority: 10, exchange: mx.lab.test }]', 'mx.lab.test:', '  A: [127.0.0.1]', ''].join('\n'));
    const child = spawn(process.execPath, [bin, 'dns-serve', '--zones', zones, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = await new Promise<string>((ok, fail) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        const m = /on (127\.0\.0\.1:\d+)/.exec(err);
        if (m) ok(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
    });
    const r = createResolver([server], 1000, 1);
    expect(await r.query('lab.test', 'MX')).toEqual([{ priority: 10, exchange: 'mx.lab.test' }]);
    expect(await r.query('mx.lab.test', 'A')).toEqual(['127.0.0.1']);
    child.kill('SIGINT');
    expect(await new Promise((ok) => child.once('exit', ok))).toBe(0);
  });

  it.each([
    [['--zones', '/nonexistent.yaml'], /no such file/],
    [['--zones', 'ZONES', '--listen', '0.0.0.0:53'], /loopback addresses only/],
    [['--zones', 'BAD'], /mx\.lab\.test\.A\.0: expected an IPv4 address/],
    [[], /--zones FILE is required/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    writeFileSync(join(dir, 'ok.yaml'), 'lab.test: { A: [127.0.0.1] }\n');
    writeFileSync(join(dir, 'bad.yaml'), 'mx.lab.test: { A: [mx] }\n');
    const argv = args.map((a) => (a === 'ZONES' ? join(dir, 'ok.yaml') : a === 'BAD' ? join(dir, 'bad.yaml') : a));
    const r = await promisify(execFile)(process.execPath, [bin, 'dns-serve', ...argv]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
