// The smart host (smtp-server on loopback) refuses recipients: one for good (550), the others for
// now (451). nodemailer then fails the message naming the recipients it refused, in its own
// spelling of them (domain lower-cased, duplicates merged): a recipient the queue was given that
// the refusal does not name was neither delivered nor refused, and must stay queued and be
// retried, never drop out of the queue's books. Every recipient ends delivered or failed with a
// record, none vanishes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayConfigSchema } from '../../../main/gateway/relay/relay-config.js';
import { startRelayQueue } from '../../../main/gateway/relay/relay-queue.js';
import { startSmtpSink } from '../../support/smtp-sink.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A relay queue in `dir`/queue towards the sink, with the recipients it reports delivered and failed. */
async function queueTo(sink: { port: number }, dir: string) {
  const queueDir = join(dir, 'queue');
  const q = await startRelayQueue(RelayConfigSchema.parse({ host: '127.0.0.1', port: sink.port, starttls: 'never', retryInitialSeconds: 0.05, retryMaxSeconds: 0.2, timeoutSeconds: 5 }), { queueDir, hostname: 'mx.lab.test' });
  cleanups.push(() => q.stop());
  const delivered: string[] = [];
  const failed: string[] = [];
  q.events.on('delivered', (_id, rcpts) => delivered.push(...rcpts));
  q.events.on('failed', (_id, rcpts) => failed.push(...rcpts));
  const failedRecords = () =>
    readdirSync(join(queueDir, 'failed'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(queueDir, 'failed', f), 'utf8')).recipients);
  return { q, delivered, failed, failedRecords };
}

describe('relay queue: recipients a refusal does not name', () => {
  it('are retried and delivered; the refused one fails with a record; none is dropped', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-partial-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'store'));
    const file = join(dir, 'store', 'p1.eml');
    const bytes = Buffer.from('Received: from client.example by mx.lab.test; p1\r\nSubject: partial refusal\r\n\r\nbody\r\n');
    writeFileSync(file, bytes);

    // gone@ refused for good; everyone else refused once (451), accepted on the retry.
    const sink = await startSmtpSink({
      rcpt: (to, attempt) => (to === 'gone@lab.test' ? { code: 550, text: '5.1.1 No such user' } : attempt === 1 ? { code: 451, text: '4.3.0 Try again later' } : null),
    });
    cleanups.push(() => sink.stop());
    const { q, delivered, failed, failedRecords } = await queueTo(sink, dir);

    // Carol@LAB.TEST is the same mailbox as Carol@lab.test: nodemailer sends one RCPT for both,
    // and its refusal names only the one spelling.
    const recipients = ['gone@lab.test', 'b@lab.test', 'Carol@lab.test', 'Carol@LAB.TEST'];
    await q.enqueue({ id: 'p1', from: 'a@example.org', recipients, file });
    await expect.poll(() => q.pending(), { timeout: 10_000 }).toBe(0);

    expect(failed).toEqual(['gone@lab.test']);
    // Each recipient accounted for: delivered or failed, none left out of both.
    expect(recipients.filter((r) => !delivered.includes(r) && !failed.includes(r))).toEqual([]);
    expect(sink.messages.map((m) => [m.to, m.data.equals(bytes)])).toEqual([[['b@lab.test', 'Carol@lab.test'], true]]);
    expect(failedRecords()).toEqual([['gone@lab.test']]);
  });

  // nodemailer lower-cases the domain on the wire, and its refusal names the wire spelling: the
  // queue must still know which recipient it was given, both when others are accepted (the
  // message goes) and when every RCPT is refused (the message fails before DATA).
  for (const othersFirstTry of [null, { code: 451, text: '4.3.0 Try again later' }]) {
    const when = othersFirstTry ? 'every recipient refused on the first try' : 'the others accepted';
    it(`a recipient refused in another spelling fails as given, once, and is not counted delivered (${when})`, { timeout: 30_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-spelling-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      mkdirSync(join(dir, 'store'));
      const file = join(dir, 'store', 's1.eml');
      writeFileSync(file, 'Subject: spelling\r\n\r\nbody\r\n');
      const sink = await startSmtpSink({
        rcpt: (to, attempt) => (to.toLowerCase() === 'gone@lab.test' ? { code: 550, text: '5.1.1 No such user' } : attempt === 1 ? othersFirstTry : null),
      });
      cleanups.push(() => sink.stop());
      const { q, delivered, failed, failedRecords } = await queueTo(sink, dir);

      await q.enqueue({ id: 's1', from: 'a@example.org', recipients: ['Gone@LAB.TEST', 'b@Lab.Test'], file });
      await expect.poll(() => q.pending(), { timeout: 10_000 }).toBe(0);

      expect(failed).toEqual(['Gone@LAB.TEST']);
      expect(delivered).toEqual(['b@Lab.Test']);
      expect(sink.messages.map((m) => m.to)).toEqual([['b@lab.test']]);
      expect(failedRecords()).toEqual([['Gone@LAB.TEST']]);
    });
  }
});
