// Connection filtering in the real gateway, driven by swaks and bare sockets: clients are
// presented with XCLIENT or connect from chosen loopback addresses; block lists are zones of
// the lab DNS server. Exact replies, weights and threshold, allow list, a broken list
// disabled, connect mode, per-IP limits and the decision trace.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { connectionFilterStatus, type ConnectionFilterState } from '../../../main/gateway/layers/connection-filter.js';
import type { Decision, GatewaySession } from '../../../main/gateway/session.js';
import { createResolver } from '../../../main/net/resolver.js';
import { dnsblQueryName } from '../../../main/dns/dnsbl/address.js';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../support/lab-dns.js';
import { smtplibDialogue, swaks as swaksTo, swaksAvailable } from '../../support/smtp-clients.js';

const selfTesting = (zone: string): ZoneData => ({ [dnsblQueryName('127.0.0.2', zone)]: { A: ['127.0.0.2'] } });
const listing = (ip: string, zone: string, code = '127.0.0.2'): ZoneData => ({ [dnsblQueryName(ip, zone)]: { A: [code] } });

const ZONES: ZoneData = {
  ...selfTesting('bl.lab.test'),
  ...selfTesting('pbl.lab.test'),
  ...selfTesting('traps.lab.test'),
  ...listing('192.0.2.66', 'bl.lab.test'),
  ...listing('198.51.100.66', 'bl.lab.test'),
  ...listing('127.0.0.66', 'bl.lab.test'),
  ...listing('192.0.2.88', 'pbl.lab.test', '127.0.0.10'),
  ...listing('192.0.2.89', 'pbl.lab.test', '127.0.0.10'),
  ...listing('192.0.2.89', 'traps.lab.test'),
  // Lists every address, the RFC 5782 test point that must not be listed included.
  '*.wild.lab.test': { A: ['127.0.0.2'] },
};

let lab: LabDnsServer;
beforeAll(async () => {
  lab = await startLabDns(ZONES);
});
afterAll(() => lab.stop());

interface Running {
  gw: Gateway;
  state: () => ConnectionFilterState;
  decisions: Decision[];
  ended: GatewaySession[];
}

/** A gateway with the connection filter first. */
async function start(filter: Record<string, unknown>): Promise<Running> {
  const gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: mkdtempSync(join(tmpdir(), 'mxaudit-cf-')),
      xclientPeers: ['127.0.0.1'],
      order: ['connection-filter', 'sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup'],
      layers: { 'connection-filter': filter, 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 } },
    },
    { resolver: createResolver([lab.server]) },
  );
  const r: Running = { gw, state: () => gw.layerState('connection-filter') as ConnectionFilterState, decisions: [], ended: [] };
  gw.events.on('decision', (_s, d) => r.decisions.push(d));
  gw.events.on('session', (s) => r.ended.push(s));
  return r;
}

const swaks = (gw: Gateway, ...args: string[]) => swaksTo(gw.port, ...args);

/** A bare SMTP client from a chosen source address: each call yields the last line of the next reply, null once closed. */
async function rawClient(gw: Gateway, localAddress = '127.0.0.1') {
  const socket = net.connect({ host: '127.0.0.1', port: gw.port, localAddress });
  let buffer = '';
  let closed = false;
  let wake = () => {};
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => ((buffer += d), wake()));
  socket.on('close', () => ((closed = true), wake()));
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  const reply = async (): Promise<string | null> => {
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3} [^\r\n]*)\r\n/.exec(buffer);
      if (m) {
        buffer = buffer.slice(m[0].length);
        return m[1];
      }
      if (closed) return null;
      await new Promise<void>((r) => (wake = r));
    }
  };
  return {
    reply,
    send: (line: string) => (socket.write(`${line}\r\n`), reply()),
    /** Hangs up without QUIT, as a client that simply goes away. */
    drop: () => socket.destroy(),
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

(swaksAvailable ? describe : describe.skip)('block lists at RCPT (Exchange 2003 style)', () => {
  let g: Running;
  beforeAll(async () => {
    g = await start({
      providers: [
        { zone: 'bl.lab.test', weight: 3, info: 'See https://bl.lab.test/lookup' },
        { zone: 'pbl.lab.test', weight: 2, template: '550 5.7.1 {ip} is in a dynamic range ({zone}: {codes}). {info}', info: 'Send through your provider.' },
        { zone: 'traps.lab.test', weight: 1 },
        { zone: 'wild.lab.test', weight: 5 },
      ],
      threshold: 3,
      allow: ['198.51.100.0/24'],
    });
  });
  afterAll(() => g.gw.stop());

  it('refuses a listed client at RCPT with the list reply, after accepting its connection and MAIL', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.66', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/MAIL FROM:<x@example\.org>\r?\n<- +250 /);
    expect(out).toContain('<** 550 5.7.1 E-mail rejected because 192.0.2.66 is listed by bl.lab.test. See https://bl.lab.test/lookup\n');
    const d = g.decisions.find((x) => x.phase === 'rcpt' && x.layer === 'connection-filter');
    expect(d).toMatchObject({ action: 'reject', subject: 'alice@lab.test', reply: '550 5.7.1 E-mail rejected because 192.0.2.66 is listed by bl.lab.test. See https://bl.lab.test/lookup' });
    expect(d!.reason).toMatch(/^192\.0\.2\.66 listed by bl\.lab\.test \(weight 3; 127\.0\.0\.2: listed \(code not documented for this list\)\): score 3, threshold 3; not used: wild\.lab\.test: disabled/);
  });

  it('below the threshold the client passes, its score left for later layers', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.88', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
    await until(() => g.ended.some((s) => s.remoteAddress === '192.0.2.88'));
    expect(g.ended.find((s) => s.remoteAddress === '192.0.2.88')!.marks.dnsbl).toEqual({ score: 2, listedBy: ['pbl.lab.test'] });
  });

  it('weights add up; the heaviest list that listed the client gives the reply', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.89', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toContain('<** 550 5.7.1 192.0.2.89 is in a dynamic range (pbl.lab.test: 127.0.0.10). Send through your provider.\n');
  });

  it('a list that fails its RFC 5782 self-test is disabled and reported, not believed', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.10', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
    const { zones, alerts } = connectionFilterStatus(g.state());
    expect(zones.find((z) => z.zone === 'wild.lab.test')).toMatchObject({ family: 'ipv4', ok: false, reason: 'unreliable: RFC 5782 self-test failed: test point 127.0.0.1 is listed (127.0.0.2)' });
    expect(zones.filter((z) => z.ok).map((z) => z.zone).sort()).toEqual(['bl.lab.test', 'pbl.lab.test', 'traps.lab.test']);
    expect(alerts).toEqual(['block list wild.lab.test (ipv4) disabled: unreliable: RFC 5782 self-test failed: test point 127.0.0.1 is listed (127.0.0.2)']);
  });

  it('the allow list bypasses the block lists', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '198.51.100.66', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
  });

  it('a listed client still reaches postmaster (to ask for delisting), and only postmaster', async () => {
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.66', '--from', 'x@example.org', '--to', 'postmaster@lab.test,alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/RCPT TO:<postmaster@lab\.test>\r?\n<- +250 /);
    expect(out).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<\*\* +550 5\.7\.1 E-mail rejected because 192\.0\.2\.66/);
  });

  it('never asks about a private or loopback client', async () => {
    const asked = lab.queries();
    const out = await swaks(g.gw, '--xclient-addr', '127.0.0.66', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
    expect(lab.queries()).toBe(asked);
  });
});

(swaksAvailable ? describe : describe.skip)('block lists at connect', () => {
  let g: Running;
  beforeAll(async () => {
    g = await start({ mode: 'connect', providers: [{ zone: 'bl.lab.test', info: 'See https://bl.lab.test/lookup' }], queryPrivateAddresses: true });
  });
  afterAll(() => g.gw.stop());

  it('a listed client gets 554 instead of the banner, then 503 to every command until QUIT (RFC 5321 3.1)', async () => {
    const out = await swaks(g.gw, '--local-interface', '127.0.0.66', '--from', 'x@example.org', '--to', 'alice@lab.test');
    expect(out).toContain('<** 554 5.7.1 E-mail rejected because 127.0.0.66 is listed by bl.lab.test. See https://bl.lab.test/lookup\n');
    expect(g.decisions.find((d) => d.phase === 'connect' && d.layer === 'connection-filter')).toMatchObject({ action: 'reject', reply: '554 5.7.1 E-mail rejected because 127.0.0.66 is listed by bl.lab.test. See https://bl.lab.test/lookup' });
    // Python's smtplib reading every reply: the session stays open, refused, until QUIT.
    const replies = await smtplibDialogue(g.gw.port, ['EHLO client.example', 'MAIL FROM:<x@example.org>', 'RCPT TO:<alice@lab.test>', 'DATA', 'NOOP', 'RSET', 'XCLIENT ADDR=192.0.2.10', 'QUIT', 'NOOP'], '127.0.0.66');
    const refused: [number, string] = [503, '5.5.1 Bad sequence of commands: the session was refused, send QUIT'];
    expect(replies).toEqual([
      [554, '5.7.1 E-mail rejected because 127.0.0.66 is listed by bl.lab.test. See https://bl.lab.test/lookup'],
      refused, refused, refused, refused, refused, refused, refused,
      [221, 'Bye'],
      null,
    ]);
  });

  it('a clean client gets the banner and delivers', async () => {
    const out = await swaks(g.gw, '--local-interface', '127.0.0.67', '--from', 'x@example.org', '--to', 'alice@lab.test');
    expect(out).toMatch(/<- +220 mx\.lab\.test ESMTP/);
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
  });

  it('a listed client presented by XCLIENT gets 554, then 503 to every later transaction', async () => {
    const c = await rawClient(g.gw);
    expect(await c.reply()).toMatch(/^220 /);
    await c.send('EHLO proxy.example');
    await c.send('XCLIENT ADDR=192.0.2.66');
    await c.send('EHLO client.example');
    expect(await c.send('MAIL FROM:<x@example.org>')).toBe('554 5.7.1 E-mail rejected because 192.0.2.66 is listed by bl.lab.test. See https://bl.lab.test/lookup');
    expect(await c.send('MAIL FROM:<x@example.org>')).toBe('503 5.5.1 Bad sequence of commands: the session was refused, send QUIT');
    expect(await c.send('RCPT TO:<alice@lab.test>')).toMatch(/^503 /);
    expect(await c.send('EHLO client.example')).toMatch(/^503 /);
    expect(await c.send('QUIT')).toMatch(/^221 /);
  });
});

(swaksAvailable ? describe : describe.skip)('per-IP connection limits', () => {
  let g: Running;
  beforeAll(async () => {
    g = await start({ providers: [], maxConnectionsPerIp: 2, maxConnectionRatePerIp: 4, rateWindowSeconds: 60 });
  });
  afterAll(() => g.gw.stop());

  it('refuses a connection over the per-IP concurrency with 421 4.7.0, and admits again once one ends', async () => {
    const a = await rawClient(g.gw, '127.0.0.50');
    const b = await rawClient(g.gw, '127.0.0.50');
    expect(await a.reply()).toMatch(/^220 /);
    expect(await b.reply()).toMatch(/^220 /);
    const c = await rawClient(g.gw, '127.0.0.50');
    expect(await c.reply()).toBe('421 4.7.0 Too many connections from 127.0.0.50, try again later');
    expect(await c.reply()).toBeNull();
    await until(() => g.ended.length === 1);
    expect(await a.send('QUIT')).toMatch(/^221 /);
    await until(() => g.ended.length === 2);
    const d = await rawClient(g.gw, '127.0.0.50');
    expect(await d.reply()).toMatch(/^220 /);
    b.drop();
    d.drop();
    expect(g.decisions.filter((x) => x.layer === 'connection-filter')).toEqual([
      expect.objectContaining({ phase: 'connect', action: 'tempfail', reason: 'Too many connections from 127.0.0.50', reply: '421 4.7.0 Too many connections from 127.0.0.50, try again later' }),
    ]);
  });

  it('refuses a client over the connection rate with 421 4.7.0 and closes the session', async () => {
    for (let i = 0; i < 4; i++) {
      expect(await swaks(g.gw, '--xclient-addr', '192.0.2.51', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT')).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
    }
    const out = await swaks(g.gw, '--xclient-addr', '192.0.2.51', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toContain('<** 421 4.7.0 Too many connections from 192.0.2.51 in 60 s, try again later\n');
    expect(out).not.toContain('RCPT TO');
    // Another client is not affected.
    expect(await swaks(g.gw, '--xclient-addr', '192.0.2.52', '--from', 'x@example.org', '--to', 'alice@lab.test', '--quit-after', 'RCPT')).toMatch(/RCPT TO:<alice@lab\.test>\r?\n<- +250 /);
  });
});
