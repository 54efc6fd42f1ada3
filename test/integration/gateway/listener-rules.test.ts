// The listener's own rules, in a real gateway: the pregreet test (early talkers refused, a client
// that waited is greeted at once afterwards), and the error, junk-command and unknown-command
// limits (421 and closed), each in the decision trace and the counters. Clients on 127.0.0.x
// other than 127.0.0.1 are outside clients (not in internalNetworks). Early talk needs a raw
// socket (every real client waits for the greeting); the limits are driven by Python's smtplib.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import type { Decision } from '../../../main/gateway/session.js';
import { createResolver } from '../../../main/net/resolver.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';
import { RawSmtp } from '../../support/smtp-raw.js';
import { smtplibDialogue } from '../../support/smtp-clients.js';

const WAIT_MS = 400;
const dirs: string[] = [];
let dns: LabDnsServer;
beforeAll(async () => {
  dns = await startLabDns({}); // no layer here asks DNS; any question would go to the lab
});
afterAll(async () => {
  await dns?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Running {
  gw: Gateway;
  decisions: Decision[];
}

async function start(extra: Record<string, unknown>): Promise<Running> {
  const storeDir = mkdtempSync(join(tmpdir(), 'mxaudit-listener-'));
  dirs.push(storeDir);
  const gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir,
      tls: { enabled: false },
      order: ['sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup'],
      directory: { users: ['alice@lab.test'] },
      layers: { 'recipient-lookup': { tarpitSeconds: 0 } },
      ...extra,
    },
    { resolver: createResolver([dns.server]) },
  );
  const r: Running = { gw, decisions: [] };
  gw.events.on('decision', (_s, d) => r.decisions.push(d));
  return r;
}

/** Connects from `source`, optionally writing `early` at once; the first reply and when it came. */
async function firstReply(gw: Gateway, source: string, early?: string) {
  const t0 = performance.now();
  const c = await RawSmtp.connect(gw.port, '127.0.0.1', source);
  if (early) await c.write(early);
  const r = await c.reply(10_000);
  return { c, line: r.lines.at(-1)!, ms: performance.now() - t0 };
}

const listener = (g: Running) => g.decisions.filter((d) => d.layer === 'listener');

describe('pregreet test (early talker)', () => {
  let g: Running;
  beforeAll(async () => {
    g = await start({ earlyTalker: { greetWaitMs: WAIT_MS } });
  });
  afterAll(() => g.gw.stop());

  it('a client that talks before the greeting gets 421 at once and is disconnected; traced and counted', async () => {
    const { c, line, ms } = await firstReply(g.gw, '127.0.0.21', 'EHLO bot.example\r\n');
    expect(line).toBe('421 4.7.0 You talk too soon: command sent before the greeting, closing connection');
    expect(ms).toBeLessThan(WAIT_MS); // no need to wait out the test once it has its answer
    await c.closedAt;
    expect(c.transcript).toBe(`${line}\r\n`); // the early EHLO was never answered
    expect(listener(g)).toEqual([
      { phase: 'connect', layer: 'listener', action: 'disconnect', reason: expect.stringMatching(/^early talker: sent "EHLO bot\.example\\r\\n" \d+ ms after connecting, before the greeting$/), reply: `${line}`, ms: 0 },
    ]);
    expect(g.gw.counters().listener).toEqual({ 'connect:disconnect': 1 });
  });

  it('half a line is early talk too', async () => {
    const { line } = await firstReply(g.gw, '127.0.0.22', 'EH');
    expect(line).toMatch(/^421 4\.7\.0 You talk too soon/);
  });

  it('a client that waits is greeted after the wait on first contact, at once on the next', async () => {
    const first = await firstReply(g.gw, '127.0.0.23');
    expect(first.line).toMatch(/^220 mx\.lab\.test ESMTP/);
    expect(first.ms).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect((await first.c.command('QUIT')).code).toBe(221);
    const again = await firstReply(g.gw, '127.0.0.23');
    expect(again.line).toMatch(/^220 /);
    expect(again.ms).toBeLessThan(WAIT_MS / 2);
    again.c.destroy();
    // Another address still takes the test.
    const other = await firstReply(g.gw, '127.0.0.24');
    expect(other.ms).toBeGreaterThanOrEqual(WAIT_MS - 5);
    other.c.destroy();
  });

  it('internal clients are not tested (127.0.0.1 is internal by default)', async () => {
    const { line, ms, c } = await firstReply(g.gw, '127.0.0.1');
    expect(line).toMatch(/^220 /);
    expect(ms).toBeLessThan(WAIT_MS / 2);
    c.destroy();
  });
});

describe('pregreet test, other actions', () => {
  it('reject: 554 instead of the banner, the early command and every later one 503, QUIT 221', async () => {
    const g = await start({ earlyTalker: { greetWaitMs: WAIT_MS, action: 'reject' } });
    try {
      const { c, line } = await firstReply(g.gw, '127.0.0.31', 'EHLO bot.example\r\n');
      expect(line).toBe('554 5.5.1 Protocol error: command sent before the greeting');
      expect((await c.reply()).lines).toEqual(['503 5.5.1 Bad sequence of commands: the session was refused, send QUIT']);
      expect((await c.command('MAIL FROM:<x@example.org>')).lines).toEqual(['503 5.5.1 Bad sequence of commands: the session was refused, send QUIT']);
      expect((await c.command('QUIT')).lines).toEqual(['221 Bye']);
      await c.closedAt;
      expect(listener(g)).toMatchObject([{ phase: 'connect', action: 'reject', reply: '554 5.5.1 Protocol error: command sent before the greeting' }]);
    } finally {
      await g.gw.stop();
    }
  });

  it('ignore: greeted, the early command answered after the banner, a note in the trace', async () => {
    const g = await start({ earlyTalker: { greetWaitMs: WAIT_MS, action: 'ignore' } });
    try {
      const { c, line } = await firstReply(g.gw, '127.0.0.32', 'EHLO eager.example\r\n');
      expect(line).toMatch(/^220 mx\.lab\.test ESMTP/);
      expect((await c.reply()).lines[0]).toBe('250-mx.lab.test Nice to meet you, [127.0.0.32]');
      expect((await c.command('QUIT')).code).toBe(221);
      expect(listener(g)).toMatchObject([{ phase: 'connect', action: 'note', reply: '', reason: expect.stringMatching(/^early talker: sent "EHLO eager\.example\\r\\n"/) }]);
    } finally {
      await g.gw.stop();
    }
  });

  it('greetWaitMs 0: no wait at all', async () => {
    const g = await start({ earlyTalker: { greetWaitMs: 0 } });
    try {
      const { line, ms, c } = await firstReply(g.gw, '127.0.0.33');
      expect(line).toMatch(/^220 /);
      expect(ms).toBeLessThan(100);
      c.destroy();
    } finally {
      await g.gw.stop();
    }
  });
});

describe('command limits (smtplib)', () => {
  const OUTSIDE = '127.0.0.41';
  let g: Running;
  beforeAll(async () => {
    g = await start({ earlyTalker: { greetWaitMs: 0 }, commandLimits: { errors: 3, junkCommands: 4, unknownCommands: 3 } });
  });
  afterAll(() => g.gw.stop());

  it('too many errors: 421 4.7.0 at the next command, closed; traced', async () => {
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'RCPT TO:<alice@lab.test>', 'MAIL FROM:<x@example.org>', 'RCPT TO:<nobody@lab.test>', 'RCPT TO:<other@example.org>', 'RCPT TO:<alice@lab.test>', 'NOOP'], OUTSIDE);
    expect(replies.slice(0, 1)).toEqual([[220, 'mx.lab.test ESMTP']]);
    expect(replies.slice(2)).toEqual([
      [503, 'Error: need MAIL command'],
      [250, 'Accepted'],
      [550, '5.1.1 User unknown'],
      [554, '5.7.1 <other@example.org>: Relay access denied'],
      [421, '4.7.0 Too many errors, closing connection'],
      null,
    ]);
    expect(listener(g).at(-1)).toEqual({ phase: 'rcpt', layer: 'listener', action: 'disconnect', reason: '3 error replies in this session', reply: '421 4.7.0 Too many errors, closing connection', ms: 0 });
  });

  it('too many junk commands: 421 4.7.0', async () => {
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'NOOP', 'RSET', 'NOOP', 'HELP', 'NOOP', 'NOOP'], OUTSIDE);
    expect(replies.slice(2)).toEqual([[250, 'OK'], [250, 'Flushed'], [250, 'OK'], expect.arrayContaining([214]), [421, '4.7.0 Too many junk commands, closing connection'], null]);
    expect(listener(g).at(-1)).toMatchObject({ phase: 'command', action: 'disconnect', reason: 'more than 4 junk commands (NOOP, RSET, VRFY...) in this session' });
  });

  it('too many unrecognized commands: 500 5.5.2 each, then 421 4.7.0', async () => {
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'FOO', 'BAR baz', 'QUX', 'NOOP'], OUTSIDE);
    expect(replies.slice(2)).toEqual([[500, '5.5.2 Error: command not recognized'], [500, '5.5.2 Error: command not recognized'], [421, '4.7.0 Too many unrecognized commands, closing connection'], null]);
    expect(g.gw.counters().listener).toEqual({ 'rcpt:disconnect': 1, 'command:disconnect': 2 });
  });

  it('the counts start over after a delivered message', async () => {
    const replies = await smtplibDialogue(g.gw.port, [
      'EHLO client.example', 'RCPT TO:<a@lab.test>', 'RCPT TO:<a@lab.test>',
      'MAIL FROM:<x@example.org>', 'RCPT TO:<alice@lab.test>', { data: 'Subject: hi\r\n\r\nhello\r\n' },
      'RCPT TO:<a@lab.test>', 'RCPT TO:<a@lab.test>', 'QUIT',
    ], OUTSIDE);
    expect(replies.map((r) => r?.[0])).toEqual([220, 250, 503, 503, 250, 250, 250, 503, 503, 221]);
  });
});

describe('size limits: refused by the listener, traced and counted', () => {
  const OUTSIDE = '127.0.0.42';
  let g: Running;
  beforeAll(async () => {
    g = await start({ earlyTalker: { greetWaitMs: 0 }, maxMessageBytes: 2048 });
  });
  afterAll(() => g.gw.stop());

  it('MAIL SIZE= over the limit (refused by smtp-server before any hook): 552 5.3.4, a listener decision', async () => {
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'MAIL FROM:<x@example.org> SIZE=4096', 'MAIL FROM:<x@example.org> SIZE=2048', 'QUIT'], OUTSIDE);
    expect(replies.slice(2)).toEqual([[552, '5.3.4 Message size exceeds fixed maximum message size'], [250, 'Accepted'], [221, expect.any(String)]]);
    expect(listener(g).at(-1)).toEqual({ phase: 'mail', layer: 'listener', action: 'reject', reason: 'declared SIZE=4096 over the 2048 bytes limit', reply: '552 5.3.4 Message size exceeds fixed maximum message size', ms: 0 });
    expect(g.gw.counters().listener).toEqual({ 'mail:reject': 1 });
  });

  it('a body over the limit without SIZE=: 552 5.3.4 after DATA, a listener decision, nothing stored', async () => {
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'MAIL FROM:<x@example.org>', 'RCPT TO:<alice@lab.test>', { data: `Subject: big\r\n\r\n${'x'.repeat(70) + '\r\n'}`.repeat(40) }, 'QUIT'], OUTSIDE);
    expect(replies.slice(4)).toEqual([[552, '5.3.4 Message size exceeds fixed maximum message size'], [221, expect.any(String)]]);
    expect(listener(g).at(-1)).toEqual({ phase: 'data', layer: 'listener', action: 'reject', reason: 'message over 2048 bytes', reply: '552 5.3.4 Message size exceeds fixed maximum message size', ms: 0 });
    expect(g.gw.counters().listener).toEqual({ 'mail:reject': 1, 'data:reject': 1 });
  });
});
