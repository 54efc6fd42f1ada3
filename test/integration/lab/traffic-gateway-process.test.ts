// The desktop app's case: traffic sent to a separately started `mxaudit gateway --lab` (the
// built CLI in a child process), with only a message count. No access to the gateway's
// events: outcomes come from the replies, and still add up.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraffic } from '../../../main/lab/traffic.js';

const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');

describe('traffic to a gateway in another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-traffic-gw-'));
  let child: ChildProcess;
  let port: number;
  beforeAll(async () => {
    child = spawn(process.execPath, [bin, 'gateway', '--lab', '--listen', '127.0.0.1:0', '--drain', '0', '-q'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    port = await new Promise<number>((done, fail) => {
      const t = setTimeout(() => fail(new Error(`gateway did not start: ${stderr}`)), 30_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) (clearTimeout(t), done(Number(m[1])));
      });
    });
  }, 40_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays about the number of messages asked, every attempt in one outcome', async () => {
    const r = await runTraffic({ host: '127.0.0.1', port }, { messages: 20 });
    expect(r.stats.attempts).toBe(r.attempts.length);
    expect(Math.abs(r.stats.attempts - 20)).toBeLessThanOrEqual(8);
    expect(Object.values(r.stats.outcomes).reduce((a, b) => a + b, 0)).toBe(r.stats.attempts);
    // Legitimate mail gets through; the rest is refused or filed (junk is a 250 too).
    expect(r.stats.byKind.legitimate).toEqual({ accepted: r.attempts.filter((a) => a.kind === 'legitimate').length });
    for (const kind of ['listed-sender', 'relay', 'harvest', 'spam']) expect(Object.keys(r.stats.byKind[kind] ?? {}), kind).toEqual(['refused:unknown layer']);
  }, 60_000);
});
