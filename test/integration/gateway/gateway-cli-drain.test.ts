// `mxaudit gateway --log FILE --drain SECONDS`: the decision log from the CLI, and a bounded
// drain on SIGTERM (open sessions finish, or get 421 when the bound is reached).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-gwdrain-'));

async function start(name: string, extra: string[]): Promise<{ child: ChildProcess; port: number; err: () => string }> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, `storeDir: ${join(dir, name)}\ntls: { enabled: false }\nlayers:\n  recipient-lookup: { directory: { users: [alice@lab.test] }, tarpitSeconds: 0 }\n`);
  const child = spawn(process.execPath, [bin, 'gateway', '-q', '--config', config, '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((ok, fail) => {
    child.stderr!.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
  });
  return { child, port, err: () => err };
}

/** A hand-driven SMTP client: `say` sends a line and resolves with the next complete reply. */
async function client(port: number) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  const waiters: ((r: string) => void)[] = [];
  sock.on('data', (d) => {
    buf += d;
    for (let m; (m = /^(\d{3}) .*\r\n/m.exec(buf)); ) {
      const reply = buf.slice(0, m.index + m[0].length);
      buf = buf.slice(m.index + m[0].length);
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((r) => waiters.push(r));
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  sock.on('error', () => {});
  const banner = await next();
  return { banner, next, closed, write: (text: string) => sock.write(text), say: (line: string) => (sock.write(`${line}\r\n`), next()) };
}

const exited = (child: ChildProcess) => new Promise<number | null>((ok) => child.once('exit', ok));

describe('mxaudit gateway --log --drain', () => {
  it('SIGTERM lets a message in transfer finish (250, stored, logged), then 421, exit 0', async () => {
    const log = join(dir, 'a.jsonl');
    const { child, port, err } = await start('a', ['--log', log, '--drain', '20']);
    const c = await client(port);
    expect(await c.say('EHLO client.example')).toMatch(/^250 /m);
    expect(await c.say('MAIL FROM:<x@example.org>')).toMatch(/^250 /);
    expect(await c.say('RCPT TO:<alice@lab.test>')).toMatch(/^250 /);
    expect(await c.say('DATA')).toMatch(/^354 /);
    c.write('Subject: drain\r\n\r\nfirst half\r\n');
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(err()).toMatch(/stopping; 1 open session, waiting up to 20 s/);
    // New connections are refused while draining; the message in transfer carries on.
    await expect(new Promise((ok, fail) => net.connect(port, '127.0.0.1').once('connect', ok).once('error', fail))).rejects.toThrow(/ECONNREFUSED/);
    expect(await c.say('second half\r\n.')).toMatch(/^250 2\.0\.0 Message accepted: queued as /);
    const code = exited(child);
    // smtp-server answers any further command of a closing server with 421.
    expect(await c.say('MAIL FROM:<x@example.org>')).toMatch(/^421 /);
    expect(await code).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ remoteAddress: '127.0.0.1', helo: 'client.example', listener: 'mx' });
    expect(lines[0].decisions.map((d: { phase: string }) => d.phase)).toEqual(['connect', 'mail', 'rcpt', 'data']);
  }, 30_000);

  it('a session still open when the drain bound is reached gets 421 and the gateway exits 0', async () => {
    const { child, port } = await start('b', ['--drain', '1']);
    const c = await client(port);
    expect(await c.say('EHLO client.example')).toMatch(/^250 /m);
    const t0 = performance.now();
    const reply = c.next();
    const code = exited(child);
    child.kill('SIGTERM');
    expect(await reply).toMatch(/^421 /);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5000);
    expect(await code).toBe(0);
  }, 30_000);

  it('a second signal ends the drain at once', async () => {
    const { child, port } = await start('c', ['--drain', '60']);
    const c = await client(port);
    expect(await c.say('EHLO client.example')).toMatch(/^250 /m);
    const code = exited(child);
    const t0 = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    expect(await code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
    await c.closed;
  }, 30_000);

  it('--drain must be a number of seconds', async () => {
    const child = spawn(process.execPath, [bin, 'gateway', '--drain', 'soon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    expect(await exited(child)).toBe(2);
    expect(err).toMatch(/--drain soon: expected a number of seconds/);
  });
});
