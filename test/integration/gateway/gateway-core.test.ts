// The reference gateway's core against real clients (swaks from Debian, nodemailer): exact
// replies, the decision trace, the store behind the 250, and the tarpit.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import type { Decision } from '../../../main/gateway/session.js';
import { createResolver } from '../../../main/net/resolver.js';

const swaksAvailable = existsSync('/usr/bin/swaks');
const store = mkdtempSync(join(tmpdir(), 'mxaudit-gw-'));
let gw: Gateway;
const decisions: Decision[] = [];

beforeAll(async () => {
  gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      xclientPeers: ['127.0.0.1'],
      layers: {
        'recipient-lookup': { directory: { users: ['alice@lab.test', 'bob@lab.test'] }, tarpitSeconds: 1, harvestLimit: 5 },
        'sender-recipient-filter': { senders: { domains: ['bomber.test'] } },
      },
    },
    { resolver: createResolver(['127.0.0.1:1']) },
  );
  gw.events.on('decision', (_s, d) => decisions.push(d));
});
afterAll(() => gw.stop());

async function swaks(...args: string[]): Promise<string> {
  const r = await promisify(execFile)('swaks', ['--server', `127.0.0.1:${gw.port}`, '--helo', 'client.example', '--timeout', '20', ...args]).catch((e: { stdout: string }) => e);
  return r.stdout;
}

(swaksAvailable ? describe : describe.skip)('gateway core with swaks', () => {
  it('accepts mail for a known user from an outside client (XCLIENT), stores it before the 250', async () => {
    const out = await swaks('--xclient-addr', '192.0.2.10', '--from', 'friend@example.org', '--to', 'alice@lab.test', '--body', 'hello from swaks');
    const queued = /<- +250 2\.0\.0 Message accepted: queued as (\S+)/.exec(out);
    expect(queued, out).not.toBeNull();
    const files = readdirSync(join(store, 'inbox', 'alice@lab.test'));
    expect(files).toContain(`${queued![1]}.eml`);
    const stored = readFileSync(join(store, 'inbox', 'alice@lab.test', `${queued![1]}.eml`), 'utf8');
    expect(stored).toMatch(/^Received: from client\.example \(\[192\.0\.2\.10\]\) by mx\.lab\.test/);
    expect(stored).toContain('hello from swaks');
  });

  it('refuses an unknown recipient with 550 5.1.1 after the tarpit delay', async () => {
    const t0 = performance.now();
    const out = await swaks('--xclient-addr', '192.0.2.11', '--from', 'friend@example.org', '--to', 'nobody@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/<\*\* +550 5\.1\.1 User unknown/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(decisions.find((d) => d.subject === 'nobody@lab.test')).toMatchObject({ phase: 'rcpt', layer: 'recipient-lookup', action: 'reject', reply: '550 5.1.1 User unknown' });
  });

  it('the tarpit slows only the harvesting session: a concurrent session runs at full speed', async () => {
    const slow = swaks('--xclient-addr', '192.0.2.12', '--from', 'x@example.org', '--to', 'ghost@lab.test', '--quit-after', 'RCPT');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const fast = await swaks('--xclient-addr', '192.0.2.13', '--from', 'x@example.org', '--to', 'bob@lab.test', '--quit-after', 'RCPT');
    expect(performance.now() - t0).toBeLessThan(900);
    expect(fast).toMatch(/<- +250 /);
    expect(await slow).toMatch(/550 5\.1\.1 User unknown/);
  });

  it('no open relay: a foreign recipient from outside gets 554 5.7.1 Relay access denied', async () => {
    const out = await swaks('--xclient-addr', '192.0.2.14', '--from', 'x@example.org', '--to', 'victim@example.com', '--quit-after', 'RCPT');
    expect(out).toMatch(/<\*\* +554 5\.7\.1 <victim@example\.com>: Relay access denied/);
  });

  it('postmaster is always accepted; a blocked sender domain is refused at MAIL', async () => {
    expect(await swaks('--xclient-addr', '192.0.2.15', '--from', 'x@example.org', '--to', 'postmaster@lab.test', '--quit-after', 'RCPT')).toMatch(/<- +250 /);
    expect(await swaks('--xclient-addr', '192.0.2.16', '--from', 'spam@bomber.test', '--to', 'alice@lab.test', '--quit-after', 'RCPT')).toMatch(/<\*\* +550 5\.7\.1 <spam@bomber\.test>: Sender refused/);
  });

  it('harvest: too many unknown recipients from one IP disconnect it with 421', async () => {
    const rcpts = Array.from({ length: 7 }, (_, i) => `h${i}@lab.test`).join(',');
    const out = await swaks('--xclient-addr', '192.0.2.66', '--from', 'x@example.org', '--to', rcpts, '--quit-after', 'RCPT', '--timeout', '30');
    expect(out).toMatch(/421 4\.7\.0 Too many unknown recipients/);
  }, 30_000);
});

describe('gateway core with nodemailer', () => {
  it('delivers to a known user over a real SMTP client and reports the trace', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
    const info = await transport.sendMail({ from: 'sender@lab.test', to: 'bob@lab.test', subject: 'hi', text: 'body' });
    expect(info.response).toMatch(/^250 2\.0\.0 Message accepted: queued as /);
    expect(gw.counters()['gateway']?.['data:accept']).toBeGreaterThanOrEqual(1);
  });
});
