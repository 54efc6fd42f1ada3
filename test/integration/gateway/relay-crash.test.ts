// The relay queue survives a crash: the gateway (the CLI, a child process) accepts mail while
// its smart host is down, is killed with SIGKILL, and once restarted with the smart host up it
// delivers every acknowledged message, byte for byte as stored, and empties its queue.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, writeLoadConfig, type GatewayChild } from '../../support/gateway-child.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-crash-'));
const running: GatewayChild[] = [];
let sink: SmtpSink | null = null;
afterAll(async () => {
  await Promise.all(running.map((g) => g.stop()));
  await sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every stored message: id -> bytes. */
function stored(store: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const inbox = join(store, 'inbox', 'user@lab.test');
  for (const f of existsSync(inbox) ? readdirSync(inbox).filter((n) => n.endsWith('.eml')) : []) out.set(f.slice(0, -4), readFileSync(join(inbox, f)));
  return out;
}

describe('relay queue across a crash', () => {
  it('SIGKILL with the smart host down, restart with it up: every acknowledged message relayed, intact', { timeout: 90_000 }, async () => {
    // A port with nothing behind it yet: the smart host is "down".
    const probe = await startSmtpSink();
    const port = probe.port;
    await probe.stop();
    const store = join(dir, 'store');
    const config = writeLoadConfig(dir, store, { tls: { enabled: false }, relay: { host: '127.0.0.1', port, starttls: 'never', retryInitialSeconds: 0.2, retryMaxSeconds: 0.5 } });
    const first = await spawnGateway(config);
    running.push(first);
    const acked: string[] = [];
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: first.port, pool: true, maxConnections: 2, ignoreTLS: true });
    try {
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const info = await transport.sendMail({ from: 'sender@example.org', to: 'user@lab.test', subject: `crash ${i}`, text: `relay-crash ${i}\r\n.leading dot` });
          acked.push(/queued as (\S+)/.exec(info.response)![1]);
        }),
      );
    } finally {
      transport.close();
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readdirSync(join(store, '.relay-queue', 'pending')).filter((f) => f.endsWith('.json')).sort()).toEqual(acked.map((id) => `${id}.json`).sort());

    sink = await startSmtpSink({}, port);
    const second = await spawnGateway(config);
    running.push(second);
    await expect.poll(() => sink!.messages.length, { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(acked.length);
    const byId = stored(store);
    const delivered = new Set(sink.messages.map((m) => m.data.toString('latin1')));
    expect(acked.filter((id) => !delivered.has(byId.get(id)?.toString('latin1') ?? 'missing'))).toEqual([]);
    expect(sink.messages.every((m) => m.to.join() === 'user@lab.test' && m.from === 'sender@example.org')).toBe(true);
    await expect.poll(() => readdirSync(join(store, '.relay-queue', 'pending')).length, { timeout: 5000 }).toBe(0);
    expect(readdirSync(join(store, '.relay-queue', 'messages'))).toEqual([]);
  });
});
