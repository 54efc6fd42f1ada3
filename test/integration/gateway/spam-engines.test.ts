// The spam filter's optional engines, SpamAssassin's spamd (spamc protocol) and rspamd (HTTP
// /checkv2), against protocol-level servers on loopback, through a real gateway and real clients:
// the engine's score as SCL next to the built-in rules (the highest counts), the request as the
// daemon sees it, and every way an engine fails (down, silent, garbage, huge reply, error,
// message too large): the built-in score is used, the trace says so, the time stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStored, header, send, startContentGateway, type ContentGateway } from '../../support/content-gateway.js';
import { startFakeRspamd, startFakeSpamd, type FakeEngine } from '../../support/fake-spam-engines.js';
import { engineScl } from '../../../main/gateway/content/spam-engines.js';
import { startSmtpSink } from '../../support/smtp-sink.js';

let spamd: FakeEngine;
let rspamd: FakeEngine;
let t: ContentGateway;
beforeAll(async () => {
  spamd = await startFakeSpamd(5);
  rspamd = await startFakeRspamd(15);
  t = await startContentGateway({ 'spam-filter': { spamd: { port: spamd.port, timeoutMs: 400, user: 'mxaudit' }, rspamd: { port: rspamd.port, timeoutMs: 400 } } });
});
afterAll(async () => {
  await t?.stop();
  await spamd?.stop();
  await rspamd?.stop();
});

/** A message with the score the fakes give it (the gateway counts loopback as outside here). */
const scored = (marker: string, score: number) => ({ subject: marker, text: marker, headers: { 'X-Test-Score': String(score) }, date: new Date(), messageId: `<${marker}@example.org>` });

describe('engine score to SCL', () => {
  it('maps the engine threshold to the gateway threshold, clamped to 0..9', () => {
    expect([engineScl(5, 5, 7), engineScl(2.5, 5, 7), engineScl(-3, 5, 7), engineScl(1000, 5, 7), engineScl(1, 0, 7)]).toEqual([7, 4, 0, 9, 9]);
  });
});

describe('spamd and rspamd next to the built-in rules', () => {
  it('spamd at its threshold gives SCL 7: refused, both engines named in the trace', async () => {
    spamd.mode = rspamd.mode = 'normal';
    const reply = await send(t.gw.port, scored('marker-eng-7', 5));
    expect(reply).toBe('550 5.7.1 Message refused as spam (SCL 7)');
    const d = t.decisions.at(-1)!;
    expect(d).toMatchObject({ layer: 'spam-filter', action: 'reject' });
    expect(d.reason).toBe('SCL 7 (built-in 0: none; spamd 5/5 -> SCL 7 [TEST_SCORE,MISSING_MID]; rspamd 5/15 -> SCL 2 [TEST_SCORE,MISSING_MID]) at or above gateway threshold 7: reject');
  });

  it('sends each engine the message as received, with the envelope rspamd wants', async () => {
    const before = [spamd.requests.length, rspamd.requests.length];
    await send(t.gw.port, scored('marker-eng-request', 0));
    const s = spamd.requests.slice(before[0]);
    const r = rspamd.requests.slice(before[1]);
    expect(s).toHaveLength(1);
    expect(s[0].command).toBe('SYMBOLS SPAMC/1.5');
    expect(s[0].headers).toMatchObject({ 'content-length': String(s[0].body.length), user: 'mxaudit' });
    expect(s[0].body.toString()).toContain('marker-eng-request');
    expect(r).toHaveLength(1);
    expect(r[0].command).toBe('POST /checkv2');
    expect(r[0].headers).toMatchObject({ ip: '127.0.0.1', from: 'friend@example.org', rcpt: 'alice@lab.test', helo: expect.any(String), 'queue-id': expect.any(String) });
    expect(r[0].body.equals(s[0].body)).toBe(true);
    // What was stored is what the engines judged, with the trace headers before it.
    const stored = findStored(t.store, 'marker-eng-request')!;
    expect(stored.text.endsWith(s[0].body.toString('latin1'))).toBe(true);
    expect(header(stored.text, 'X-Mxaudit-Spam-Engines')).toBe('spamd 0/5 -> SCL 0 [TEST_SCORE,MISSING_MID]; rspamd 0/15 -> SCL 0 [TEST_SCORE,MISSING_MID]');
  });

  it('the highest SCL counts: spamd 3/5 (SCL 4) over rspamd 3/15 (SCL 1) files as junk, X-SCL and the engines kept', async () => {
    await send(t.gw.port, scored('marker-eng-junk', 3));
    const stored = findStored(t.store, 'marker-eng-junk')!;
    expect(stored.folder).toBe('junk');
    expect(header(stored.text, 'X-SCL')).toBe('4');
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('none');
    expect(header(stored.text, 'X-Mxaudit-Spam-Engines')).toBe('spamd 3/5 -> SCL 4 [TEST_SCORE,MISSING_MID]; rspamd 3/15 -> SCL 1 [TEST_SCORE,MISSING_MID]');
  });
});

describe('an engine that fails never fails the message', () => {
  const cases: [string, () => void, RegExp][] = [
    ['spamd silent (timeout)', () => void (spamd.mode = 'silent'), /spamd not counted \(spamd did not answer within 400 ms\)/],
    ['spamd garbage', () => void (spamd.mode = 'garbage'), /spamd not counted \(unexpected reply "HTTP\/1\.0 200 OK"\)/],
    ['spamd huge reply', () => void (spamd.mode = 'huge'), /spamd not counted \(spamd reply too long\)/],
    ['spamd error status', () => void (spamd.mode = 'error'), /spamd not counted \(76 Bad header line: Content-length\)/],
    ['rspamd silent (timeout)', () => void (rspamd.mode = 'silent'), /rspamd not counted \(rspamd did not answer within 400 ms\)/],
    ['rspamd garbage', () => void (rspamd.mode = 'garbage'), /rspamd not counted \(reply is not JSON\)/],
    ['rspamd huge reply', () => void (rspamd.mode = 'huge'), /rspamd not counted \(rspamd reply too long\)/],
    ['rspamd HTTP 500', () => void (rspamd.mode = 'error'), /rspamd not counted \(HTTP 500\)/],
  ];
  it.each(cases)('%s: built-in score used, the note says why, within the timeout', async (label, breakIt, why) => {
    spamd.mode = rspamd.mode = 'normal';
    breakIt();
    const marker = `marker-fail-${label.replace(/\W+/g, '-')}`;
    const t0 = Date.now();
    expect(await send(t.gw.port, { ...scored(marker, 2), subject: 'URGENT ACCOUNT NOTICE' })).toMatch(/^250 /);
    expect(Date.now() - t0).toBeLessThan(3000);
    const note = t.decisions.filter((d) => d.layer === 'spam-filter').at(-1)!;
    expect(note.action).toBe('note');
    expect(note.reason).toMatch(why);
    expect(header(findStored(t.store, marker)!.text, 'X-Mxaudit-Spam-Engines')).toMatch(why);
  });

  it('both engines down: the built-in score alone decides, and the trace says so', async () => {
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.stop();
    const g = await startContentGateway({ 'spam-filter': { spamd: { port }, rspamd: { port } } });
    try {
      expect(await send(g.gw.port, { subject: 'URGENT ACCOUNT NOTICE', text: 'marker-down', headers: { 'X-Test-Score': '1000' } })).toMatch(/^250 /);
      const note = g.decisions.find((d) => d.layer === 'spam-filter')!;
      expect(note.reason).toMatch(/^SCL 1 \(built-in 1: SUBJECT_ALL_CAPS=1; spamd not counted \(.*ECONNREFUSED.*\); rspamd not counted \(.*ECONNREFUSED.*\); built-in score used\) below store threshold 4$/);
    } finally {
      await g.stop();
    }
  });

  it('a message over an engine\'s size limit is not sent to it', async () => {
    const g = await startContentGateway({ 'spam-filter': { spamd: { port: spamd.port, maxBytes: 2048 } } });
    spamd.mode = 'normal';
    const before = spamd.requests.length;
    try {
      expect(await send(g.gw.port, { ...scored('marker-big', 5), text: `marker-big ${'x'.repeat(4000)}` })).toMatch(/^250 /);
      expect(spamd.requests.length).toBe(before);
      expect(header(findStored(g.store, 'marker-big')!.text, 'X-Mxaudit-Spam-Engines')).toBe('spamd not counted (skipped, message over 2048 bytes)');
    } finally {
      await g.stop();
    }
  });
});
