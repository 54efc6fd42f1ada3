// The smart-host relay queue against a real SMTP server (smtp-server) on loopback: delivered
// byte for byte, 4xx retried with back-off until accepted, 5xx kept in failed/ with the reason,
// entries on disk resumed by a new queue (restart), and stop() waiting for a send in flight.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayConfigSchema } from '../../../main/gateway/relay/relay-config.js';
import { startRelayQueue, type RelayQueue } from '../../../main/gateway/relay/relay-queue.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { startGateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { send } from '../../support/content-gateway.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'store'));
  return { queueDir: join(dir, 'queue'), store: join(dir, 'store') };
}

async function queue(port: number, queueDir: string, extra: Record<string, unknown> = {}): Promise<RelayQueue> {
  const q = await startRelayQueue(RelayConfigSchema.parse({ host: '127.0.0.1', port, starttls: 'never', retryInitialSeconds: 0.05, retryMaxSeconds: 0.2, timeoutSeconds: 5, ...extra }), { queueDir, hostname: 'mx.lab.test' });
  cleanups.push(() => q.stop());
  return q;
}

async function sink(...args: Parameters<typeof startSmtpSink>): Promise<SmtpSink> {
  const s = await startSmtpSink(...args);
  cleanups.push(() => s.stop());
  return s;
}

/** A stored message with what SMTP transfer must carry intact: dot-leading lines, 8-bit bytes, a long line. */
function storedFile(store: string, id: string): { path: string; bytes: Buffer } {
  const bytes = Buffer.concat([
    Buffer.from(`Received: from client.example by mx.lab.test; ${id}\r\nFrom: a@example.org\r\nTo: b@lab.test\r\nSubject: relay ${id}\r\n\r\n`),
    Buffer.from('.leading dot\r\n..two dots\r\n.\r\nline after a lone dot\r\n'),
    Buffer.from([0xe9, 0xe8, 0x0d, 0x0a]),
    Buffer.from(`${'x'.repeat(990)}\r\nend\r\n`),
  ]);
  const path = join(store, `${id}.eml`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('relay queue', () => {
  it('delivers byte for byte and leaves nothing queued; the entry was on disk when enqueue resolved', async () => {
    const { queueDir, store } = workspace();
    const s = await sink();
    const q = await queue(s.port, queueDir);
    const m = storedFile(store, 'm1');
    const delivered = once(q.events, 'delivered');
    await q.enqueue({ id: 'm1', from: 'a@example.org', recipients: ['b@lab.test', 'c@lab.test'], file: m.path });
    const onDisk = JSON.parse(readFileSync(join(queueDir, 'pending', 'm1.json'), 'utf8'));
    expect(onDisk).toMatchObject({ id: 'm1', from: 'a@example.org', recipients: ['b@lab.test', 'c@lab.test'], attempts: 0 });
    expect(readFileSync(join(queueDir, 'messages', 'm1.eml')).equals(m.bytes)).toBe(true);
    const [id, rcpts, response] = await delivered;
    expect([id, rcpts]).toEqual(['m1', ['b@lab.test', 'c@lab.test']]);
    expect(response).toMatch(/^250 /);
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0].from).toBe('a@example.org');
    expect(s.messages[0].to).toEqual(['b@lab.test', 'c@lab.test']);
    expect(s.messages[0].data.equals(m.bytes)).toBe(true);
    expect(q.pending()).toBe(0);
    expect([listing(join(queueDir, 'pending')), listing(join(queueDir, 'messages')), listing(join(queueDir, 'failed'))]).toEqual([[], [], []]);
    // The stored copy itself is the gateway's: untouched.
    expect(readFileSync(m.path).equals(m.bytes)).toBe(true);
  });

  it('retries 4xx with growing back-off until the smart host accepts', async () => {
    const { queueDir, store } = workspace();
    const s = await sink({ data: (n) => (n <= 2 ? { code: 451, text: '4.3.0 Try again later' } : null) });
    const q = await queue(s.port, queueDir);
    const deferrals: [string, number][] = [];
    q.events.on('deferred', (_id, _r, reason, retryInMs) => deferrals.push([reason, retryInMs]));
    const delivered = once(q.events, 'delivered');
    const m = storedFile(store, 'm2');
    await q.enqueue({ id: 'm2', from: 'a@example.org', recipients: ['b@lab.test'], file: m.path });
    await delivered;
    expect(deferrals).toEqual([
      [expect.stringMatching(/^451 4\.3\.0 Try again later/), 50],
      [expect.stringMatching(/^451 4\.3\.0 Try again later/), 100],
    ]);
    expect(s.dataAttempts()).toBe(3);
    expect(s.messages.map((x) => x.data.equals(m.bytes))).toEqual([true]);
    expect(listing(join(queueDir, 'pending'))).toEqual([]);
  });

  it('5xx fails for good: kept in failed/ with the reason and the message, the other recipient delivered', async () => {
    const { queueDir, store } = workspace();
    const s = await sink({ rcpt: (to) => (to === 'gone@lab.test' ? { code: 550, text: '5.1.1 No such user' } : null) });
    const q = await queue(s.port, queueDir);
    const failed = once(q.events, 'failed');
    const m = storedFile(store, 'm3');
    await q.enqueue({ id: 'm3', from: 'a@example.org', recipients: ['gone@lab.test', 'b@lab.test'], file: m.path });
    const [, rcpts, reason] = await failed;
    expect(rcpts).toEqual(['gone@lab.test']);
    expect(reason).toBe('550 5.1.1 No such user');
    await expect.poll(() => q.pending()).toBe(0);
    expect(s.messages.map((x) => x.to)).toEqual([['b@lab.test']]);
    const files = listing(join(queueDir, 'failed'));
    expect(files).toHaveLength(2);
    const record = JSON.parse(readFileSync(join(queueDir, 'failed', files.find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(record).toMatchObject({ id: 'm3', from: 'a@example.org', recipients: ['gone@lab.test'], reason: '550 5.1.1 No such user' });
    expect(readFileSync(join(queueDir, 'failed', files.find((f) => f.endsWith('.eml'))!)).equals(m.bytes)).toBe(true);
  });

  it('a message refused at DATA with 554 fails for every recipient', async () => {
    const { queueDir, store } = workspace();
    const s = await sink({ data: () => ({ code: 554, text: '5.7.1 Content refused' }) });
    const q = await queue(s.port, queueDir);
    const failed = once(q.events, 'failed');
    await q.enqueue({ id: 'm4', from: '', recipients: ['b@lab.test', 'c@lab.test'], file: storedFile(store, 'm4').path });
    expect((await failed).slice(1)).toEqual([['b@lab.test', 'c@lab.test'], '554 5.7.1 Content refused']);
  });

  it('resumes pending entries after a restart: smart host down, queue stopped, both back, delivered', async () => {
    const { queueDir, store } = workspace();
    // A port with nothing listening: take one from a sink and close it.
    const probe = await startSmtpSink();
    const port = probe.port;
    await probe.stop();
    const first = await queue(port, queueDir);
    const deferred = once(first.events, 'deferred');
    const m = storedFile(store, 'm5');
    await first.enqueue({ id: 'm5', from: 'a@example.org', recipients: ['b@lab.test'], file: m.path });
    const [, , reason] = await deferred;
    expect(reason).toMatch(/ECONNREFUSED|ECONNECTION/);
    await first.stop();
    expect(JSON.parse(readFileSync(join(queueDir, 'pending', 'm5.json'), 'utf8'))).toMatchObject({ attempts: 1, lastError: reason });

    const s = await sink({}, port);
    const second = await queue(port, queueDir);
    expect(second.pending()).toBe(1);
    await once(second.events, 'delivered');
    expect(s.messages.map((x) => x.data.equals(m.bytes))).toEqual([true]);
    expect(listing(join(queueDir, 'pending'))).toEqual([]);
  });

  it('a temporary failure past the queue lifetime fails for good, with the last reason', async () => {
    const { queueDir, store } = workspace();
    const s = await sink({ rcpt: () => ({ code: 450, text: '4.2.1 Mailbox busy' }) });
    const q = await queue(s.port, queueDir, { maxQueueSeconds: 1, retryInitialSeconds: 0.3, retryMaxSeconds: 0.6 });
    const failed = once(q.events, 'failed');
    await q.enqueue({ id: 'm6', from: 'a@example.org', recipients: ['b@lab.test'], file: storedFile(store, 'm6').path });
    const [, rcpts, reason] = await failed;
    expect(rcpts).toEqual(['b@lab.test']);
    expect(reason).toMatch(/^still deferred after 1 s: 450 4\.2\.1 Mailbox busy/);
    expect(q.pending()).toBe(0);
  });

  it('cleans half-made entries at start (no 250 was sent for them) and keeps unreadable ones aside', async () => {
    const { queueDir } = workspace();
    mkdirSync(join(queueDir, 'pending'), { recursive: true });
    mkdirSync(join(queueDir, 'messages'), { recursive: true });
    writeFileSync(join(queueDir, 'messages', 'orphan.eml'), 'x');
    writeFileSync(join(queueDir, 'pending', '.m7.json.tmp'), '{');
    writeFileSync(join(queueDir, 'pending', 'm8.json'), 'not json');
    const q = await queue(1, queueDir);
    expect(q.pending()).toBe(0);
    expect([listing(join(queueDir, 'pending')), listing(join(queueDir, 'messages')), listing(join(queueDir, 'failed'))]).toEqual([[], [], ['m8.json.unreadable']]);
  });

  it('keeps to its concurrency, and stop() waits for the sends in flight', async () => {
    const { queueDir, store } = workspace();
    const s = await sink({ dataDelayMs: 300 });
    const q = await queue(s.port, queueDir, { concurrency: 2 });
    for (let i = 0; i < 6; i++) await q.enqueue({ id: `c${i}`, from: 'a@example.org', recipients: ['b@lab.test'], file: storedFile(store, `c${i}`).path });
    await expect.poll(() => s.messages.length, { timeout: 10_000 }).toBe(4);
    // Two sends are in flight (DATA sent, reply delayed): stop waits for both to finish.
    await expect.poll(() => s.peakConcurrentData() > 0 && s.messages.length === 4).toBe(true);
    await q.stop();
    // Nothing was still on its way when stop() returned: no delivery completes after it.
    const atStop = s.messages.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(s.messages.length).toBe(atStop);
    expect(s.peakConcurrentData()).toBe(2);
    const left = listing(join(queueDir, 'pending'));
    expect(s.messages.length + left.length).toBe(6);
    expect(left.length).toBeLessThanOrEqual(2);
    // What was delivered is gone from the queue, what was not is still there for the next start.
    expect(left.map((f) => f.replace('.json', '')).some((id) => s.messages.some((m) => m.data.toString().includes(`relay ${id}\r\n`)))).toBe(false);
  });

  it('refuses ids that could leave the queue directory', async () => {
    const { queueDir, store } = workspace();
    const q = await queue(1, queueDir);
    await expect(q.enqueue({ id: '../evil', from: '', recipients: ['b@lab.test'], file: storedFile(store, 'm9').path })).rejects.toThrow(/unusable id/);
  });

  it('through the gateway: an accepted message is stored and relayed, byte for byte as stored', async () => {
    const { store } = workspace();
    const s = await sink();
    const gw = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        storeDir: store,
        tls: { enabled: false },
        relay: { host: '127.0.0.1', port: s.port, starttls: 'never', retryInitialSeconds: 0.05 },
        layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 }, 'connection-filter': { providers: [] } },
      },
      { resolver: createResolver(['127.0.0.1:1']) },
    );
    cleanups.push(() => gw.stop(1000));
    const stored: string[] = [];
    gw.events.on('stored', (_s, paths) => stored.push(...paths));
    expect(await send(gw.port, { from: 'bob@lab.test', to: 'alice@lab.test', subject: 'relay me', text: 'marker-relayed\r\n.dot line' })).toMatch(/^250 /);
    await expect.poll(() => s.messages.length, { timeout: 5000 }).toBe(1);
    expect(s.messages[0].to).toEqual(['alice@lab.test']);
    expect(s.messages[0].data.equals(readFileSync(stored[0]))).toBe(true);
  });
});
