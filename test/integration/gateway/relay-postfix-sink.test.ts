// The relay queue against Postfix's own SMTP server code (smtp-sink, Debian's postfix package):
// a second, independent SMTP implementation as the smart host. smtp-sink -d writes each message
// with its own X-*/Received lines first and LF line ends: the rest must be the stored message.
// (Retries, refusals and byte-exact transfer are tested against smtp-server in relay-queue.test.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RelayConfigSchema } from '../../../main/gateway/relay/relay-config.js';
import { startRelayQueue } from '../../../main/gateway/relay/relay-queue.js';

const SMTP_SINK = '/usr/sbin/smtp-sink';
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-pf-'));
const sinks: ChildProcess[] = [];
afterAll(async () => {
  for (const s of sinks) await stop(s);
  rmSync(dir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

/** smtp-sink on loopback dumping messages into `out`; extra flags (e.g. -r RCPT: soft refusal). */
async function smtpSink(port: number, out: string, ...flags: string[]): Promise<ChildProcess> {
  const child = spawn(SMTP_SINK, ['-d', `${out}/%M.`, '-u', 'nobody', ...flags, `127.0.0.1:${port}`, '10'], { stdio: 'ignore' });
  sinks.push(child);
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    // A polite probe (banner, QUIT): smtp-sink dies of SIGPIPE when a client just hangs up.
    const up = await new Promise<boolean>((ok) => {
      const c = connect({ host: '127.0.0.1', port });
      c.once('data', () => c.end('QUIT\r\n'));
      c.on('close', () => ok(true));
      c.on('error', () => ok(false));
    });
    if (up && child.exitCode === null && child.signalCode === null) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('smtp-sink did not start');
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = once(c, 'exit');
  c.kill('SIGKILL');
  await gone;
}

/** smtp-sink's dump without the lines it adds before the message (X-* and its Received). */
const messageOf = (dump: string) => dump.replace(/^(X-[A-Za-z-]+: .*\n)+Received: from .*\n(\t.*\n)*/, '');

(existsSync(SMTP_SINK) ? describe : describe.skip)('relay queue to Postfix smtp-sink', () => {
  it('delivers what was stored, dot-leading lines and 8-bit text included', { timeout: 30_000 }, async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    // smtp-sink writes as nobody: it must reach the folder (mkdtemp makes 0700) and write in it.
    chmodSync(dir, 0o711);
    chmodSync(out, 0o777);
    const port = await freePort();
    const sink = await smtpSink(port, out);
    const queue = await startRelayQueue(RelayConfigSchema.parse({ host: '127.0.0.1', port, starttls: 'never', timeoutSeconds: 5 }), { queueDir: join(dir, 'queue'), hostname: 'mx.lab.test' });
    try {
      const body = `Received: from client.example by mx.lab.test\r\nFrom: a@example.org\r\nTo: b@lab.test\r\nSubject: via postfix\r\n\r\n.leading dot\r\n..two\r\n\u00e9t\u00e9\r\nend\r\n`;
      const file = join(dir, 'stored.eml');
      writeFileSync(file, body);
      const delivered = once(queue.events, 'delivered');
      await queue.enqueue({ id: 'pf1', from: 'a@example.org', recipients: ['b@lab.test'], file });
      const [, , response] = await delivered;
      expect(response).toMatch(/^250 /);
      await expect.poll(() => readdirSync(out).length).toBe(1);
      const dump = readFileSync(join(out, readdirSync(out)[0]), 'utf8');
      expect(dump).toMatch(/^X-Mail-Args: <a@example\.org>$/m);
      expect(dump).toMatch(/^X-Rcpt-Args: <b@lab\.test>$/m);
      // smtp-sink stores LF line ends and undoes the dot-stuffing: the rest is the message as stored.
      expect(messageOf(dump).replace(/\n+$/, '\n')).toBe(body.replace(/\r\n/g, '\n'));
    } finally {
      await queue.stop();
      await stop(sink);
    }
  });
});
