// The attack suite against the reference gateway in lab mode (`mxaudit gateway --lab`, the CLI
// bundle in a child process, XCLIENT from loopback): every attack is stopped by the layer meant
// to stop it. The client side sees replies; the gateway's printed decisions say which layer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAttackSuite, type AttackResult } from '../../../main/attack/run-suite.js';
import { attackRegistry } from '../../../main/attack/registry.js';
import { main } from '../../../main/cli/index.js';

const bin = fileURLToPath(new URL('../../../main/cli/bin.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-attack-'));
let child: ChildProcess;
let port = 0;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  child = spawn(process.execPath, [bin, 'gateway', '--lab', '--listen', '127.0.0.1:0', '--drain', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  port = await new Promise<number>((ok, fail) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on [^ ]+:(\d+) /.exec(stderr);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`gateway exited (${code}): ${stderr}`)));
    setTimeout(() => fail(new Error(`gateway not listening after 20 s: ${stderr}`)), 20_000).unref();
  });
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('attack suite against mxaudit gateway --lab', () => {
  let results: AttackResult[] = [];

  it('every attack is stopped by the intended layer (the blank sender is accepted by design)', async () => {
    results = await runAttackSuite({ host: '127.0.0.1', port, rcpt: 'alice@lab.test', xclient: true, harvest: { recipients: 30, concurrency: 8 } });
    expect(results.map((r) => r.id)).toEqual(attackRegistry.map((a) => a.id));
    const summary = results.map((r) => `${r.id}: ${r.verdict} ${r.observed?.stage} ${r.observed?.reply ?? r.detail}`);
    for (const r of results) {
      expect(r.asExpected, `${r.id}: ${summary.join('\n')}\n${r.transcript.join('\n')}`).toBe(true);
      expect(r.verdict, r.id).toBe(r.expected.replyClass === '2xx' ? 'passed' : 'stopped');
    }
    // The gateway's own decisions: the intended layer refused, for the attack's source address
    // (the size limits too: the listener records them). The early talker speaks before XCLIENT
    // can present a source, so it has none to match and is checked by its reply above.
    await new Promise((r) => setTimeout(r, 300)); // the last decision lines in flight
    for (const r of results.filter((x) => x.source && x.expected.replyClass !== '2xx')) {
      const lines = stdout.split('\n').filter((l) => l.includes(` ${r.source} `) && / (reject|disconnect|tempfail) \(/.test(l));
      const decided = lines.filter((l) => l.includes(`: ${r.expected.layer} `) && l.includes(`-> ${r.observed!.reply.split(' | ')[0]}`));
      expect(decided.length, `${r.id}: decisions from ${r.source}:\n${lines.join('\n')}`).toBeGreaterThan(0);
    }
  }, 120_000);

  it('the CLI refuses to run without --i-am-authorized (exit 2), and writes the table and JSON with it', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await main(['attack', `127.0.0.1:${port}`, '--rcpt', 'alice@lab.test'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--i-am-authorized/);
    const json = join(dir, 'attack.json');
    const code = await main(['attack', `127.0.0.1:${port}`, '--rcpt', 'alice@lab.test', '--xclient', '--i-am-authorized', '--only', 'relay-attempt,gtube,restricted-group', '--json', json], io);
    expect(code, err.join('\n')).toBe(0);
    const table = out.join('\n');
    expect(table).toMatch(/^attack +\| expected \(layer\/reply class\) +\| observed reply +\| verdict/);
    expect(table).toMatch(/relay-attempt +\| protocol-hygiene 5xx at rcpt +\| rcpt: 554 5\.7\.1 <victim@example\.com>: Relay access denied +\| stopped/);
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { schemaVersion: number; results: AttackResult[] };
    expect(saved.schemaVersion).toBe(1);
    expect(saved.results.map((r) => [r.id, r.verdict, r.asExpected])).toEqual([
      ['relay-attempt', 'stopped', true],
      ['restricted-group', 'stopped', true],
      ['gtube', 'stopped', true],
    ]);
    expect(saved.results[0].transcript.join('\n')).toMatch(/-> RCPT TO:<victim@example\.com>/);
  }, 60_000);
});
