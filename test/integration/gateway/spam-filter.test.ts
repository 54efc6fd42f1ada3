// The spam filter against real clients (swaks, nodemailer): SCL from the rule table, the
// gateway threshold and its actions, the store threshold (junk), X-SCL kept with the message.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineLayer, CONTINUE } from '../../../main/gateway/define-layer.js';
import { parseGatewayConfig, GatewayConfigError } from '../../../main/gateway/config.js';
import { GTUBE } from '../../../main/gateway/layers/spam-filter.js';
import type { SpfMark } from '../../../main/gateway/layers/sender-auth.js';
import type { SpfResult } from '../../../main/dns/spf/evaluate.js';
import { z } from 'zod';
import { CONTENT_LAYERS, findStored, header, send, startContentGateway, swaks as swaksTo, swaksAvailable, type ContentGateway } from '../../support/content-gateway.js';

/** Stands in for sender-auth: leaves an SPF result in session.marks.spf, as that layer does. */
const spfStub = defineLayer({
  id: 'spf-stub',
  title: 'SPF result from the sender address (test)',
  options: z.object({}).prefault({}),
  hooks: {
    mail(ctx, from) {
      const result = /^spf-(\w+)@/.exec(from)?.[1] as SpfResult | undefined;
      if (result) ctx.session.marks.spf = { result, domain: 'example.org', identity: 'mailfrom' } satisfies SpfMark;
      return CONTINUE;
    },
  },
});

let t: ContentGateway;
beforeAll(async () => {
  t = await startContentGateway({ 'spam-filter': { gatewayThreshold: 7, storeThreshold: 4 } }, { order: ['spf-stub', 'recipient-lookup', 'spam-filter', 'attachment-blocking', 'antivirus'] }, [spfStub]);
});
afterAll(() => t.stop());

const swaks = (...args: string[]) => swaksTo(t.gw.port, ...args);

(swaksAvailable ? describe : describe.skip)('spam filter with swaks', () => {
  it('GTUBE gives SCL 9: refused at the gateway threshold, the rule named in the trace', async () => {
    const out = await swaks('--body', `Hello\n${GTUBE}\n`);
    expect(out).toMatch(/<\*\* +550 5\.7\.1 Message refused as spam \(SCL 9\)/);
    expect(t.decisions.at(-1)).toMatchObject({ layer: 'spam-filter', action: 'reject', reply: '550 5.7.1 Message refused as spam (SCL 9)' });
    expect(t.decisions.at(-1)!.reason).toMatch(/^SCL 9 \(GTUBE=9\) at or above gateway threshold 7: reject$/);
  });

  it('header heuristics add up to the store threshold: junk folder, X-SCL and the rules kept', async () => {
    const data = [
      'From: "service@bank.example" <x@phish.example>',
      'To: alice@lab.test',
      'Subject: URGENT ACCOUNT NOTICE',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>marker-heuristics</p>',
      '.',
    ].join('\r\n');
    const out = await swaks('--from', 'x@phish.example', '--data', data);
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted: queued as /);
    const stored = findStored(t.store, 'marker-heuristics')!;
    expect(stored.folder).toBe('junk');
    expect(header(stored.text, 'X-SCL')).toBe('6');
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('MISSING_DATE=1, MISSING_MESSAGE_ID=1, FROM_NAME_OTHER_ADDRESS=2, SUBJECT_ALL_CAPS=1, HTML_ONLY=1');
    // Filed, not decided: a note in the trace before the gateway's accept.
    expect(t.decisions.slice(-2)).toMatchObject([
      { layer: 'spam-filter', action: 'note', reason: 'SCL 6 (MISSING_DATE=1, MISSING_MESSAGE_ID=1, FROM_NAME_OTHER_ADDRESS=2, SUBJECT_ALL_CAPS=1, HTML_ONLY=1) at or above store threshold 4: filed as junk' },
      { layer: 'gateway', action: 'accept' },
    ]);
  });

  it('a tag before the subject is not shouting: "[SPOOFED] hello there" scores no SUBJECT_ALL_CAPS', async () => {
    await swaks('--header', 'Subject: [SPOOFED] [LIST] hello there', '--body', 'marker-tagged-subject');
    expect(header(findStored(t.store, 'marker-tagged-subject')!.text, 'X-Mxaudit-Spam-Rules')).not.toMatch(/SUBJECT_ALL_CAPS/);
    await swaks('--header', 'Subject: [SPOOFED] HELLO THERE FRIEND', '--body', 'marker-shouting-subject');
    expect(header(findStored(t.store, 'marker-shouting-subject')!.text, 'X-Mxaudit-Spam-Rules')).toMatch(/SUBJECT_ALL_CAPS=1/);
  });

  it('an outside client claiming our own domain scores FORGED_LOCAL_SENDER', async () => {
    await swaks('--from', 'ceo@lab.test', '--body', 'marker-forged');
    const stored = findStored(t.store, 'marker-forged')!;
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('FORGED_LOCAL_SENDER=3');
    expect(stored.folder).toBe('inbox'); // 3 is under the store threshold
  });
});

describe('spam filter with nodemailer', () => {
  it('a clean message: SCL 0, inbox, no rule', async () => {
    expect(await send(t.gw.port, { subject: 'lunch', text: 'marker-clean at noon?' })).toMatch(/^250 2\.0\.0 Message accepted/);
    const stored = findStored(t.store, 'marker-clean')!;
    expect(stored.folder).toBe('inbox');
    expect(header(stored.text, 'X-SCL')).toBe('0');
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('none');
  });

  it('finds GTUBE in a base64 body too: the text is scanned decoded', async () => {
    const reply = await send(t.gw.port, { subject: 'b64', text: `encoded ${GTUBE}`, textEncoding: 'base64' });
    expect(reply).toBe('550 5.7.1 Message refused as spam (SCL 9)');
  });

  it('URL checks: a numeric host and a user-info trick make junk (SCL 5)', async () => {
    const reply = await send(t.gw.port, { subject: 'your parcel', text: 'marker-urls track it at http://www.bank.example@203.0.113.9/login now' });
    expect(reply).toMatch(/^250 /);
    const stored = findStored(t.store, 'marker-urls')!;
    expect(stored.folder).toBe('junk');
    expect(header(stored.text, 'X-SCL')).toBe('5');
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('URL_NUMERIC_HOST=2, URL_USERINFO=3');
  });

  it('finds a URL at the end of one 200 KB HTML line (the stream is cut between words, never inside a URL)', async () => {
    const html = `<p>marker-longline</p>${'<b>word</b> '.repeat(20_000)}<a href="https://bit.ly/x1">go</a>`;
    expect(await send(t.gw.port, { subject: 'news', text: 'see html', html })).toMatch(/^250 /);
    expect(header(findStored(t.store, 'marker-longline')!.text, 'X-Mxaudit-Spam-Rules')).toBe('URL_SHORTENER=1');
  });

  it('judges each message of one session on its own: junk, then a clean one to the inbox', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.gw.port, pool: true, maxConnections: 1, ignoreTLS: true });
    try {
      await transport.sendMail({ from: 'friend@example.org', to: 'alice@lab.test', subject: 'one', text: 'marker-session-1 http://203.0.113.9@203.0.113.9/' });
      await transport.sendMail({ from: 'friend@example.org', to: 'alice@lab.test', subject: 'two', text: 'marker-session-2' });
    } finally {
      transport.close();
    }
    const [first, second] = [findStored(t.store, 'marker-session-1')!, findStored(t.store, 'marker-session-2')!];
    const sessionId = (m: string) => / id (\S+);/.exec(header(m, 'Received')!)![1];
    expect(sessionId(second.text)).toBe(sessionId(first.text));
    expect([first.folder, header(first.text, 'X-SCL')]).toEqual(['junk', '5']);
    expect([second.folder, second.text.match(/^X-SCL: .*$/gm)]).toEqual(['inbox', ['X-SCL: 0']]);
  });

  it('uses the SPF result another layer left in session.marks.spf', async () => {
    await send(t.gw.port, { from: 'spf-fail@example.org', envelope: { from: 'spf-fail@example.org', to: ['alice@lab.test'] }, subject: 'spf', text: 'marker-spf' });
    const stored = findStored(t.store, 'marker-spf')!;
    expect(header(stored.text, 'X-Mxaudit-Spam-Rules')).toBe('SPF_FAIL=4');
    expect(stored.folder).toBe('junk');
  });
});

describe('spam filter gateway actions and trust', () => {
  it('archive keeps the message out of the mailbox, in quarantine; delete answers 250 and never delivers', async () => {
    for (const gatewayAction of ['archive', 'delete'] as const) {
      const g = await startContentGateway({ 'spam-filter': { gatewayAction } });
      try {
        expect(await send(g.gw.port, { subject: gatewayAction, text: `marker-${gatewayAction} ${GTUBE}` })).toMatch(/^250 2\.0\.0 Message accepted/);
        expect(g.decisions.at(-1)).toMatchObject({ layer: 'spam-filter', action: 'accept', reason: `SCL 9 (GTUBE=9) at or above gateway threshold 7: ${gatewayAction}` });
        // archive: kept for review in quarantine; delete: acknowledged, and stored nowhere.
        expect(findStored(g.store, `marker-${gatewayAction}`)?.folder).toBe(gatewayAction === 'archive' ? 'quarantine' : undefined);
      } finally {
        await g.stop();
      }
    }
  });

  it('an internal client gets SCL -1, as Exchange gives authenticated and internal mail', async () => {
    const g = await startContentGateway({}, { internalNetworks: ['127.0.0.1'] });
    try {
      expect(await send(g.gw.port, { subject: 'internal', text: `marker-internal ${GTUBE}` })).toMatch(/^250 /);
      const stored = findStored(g.store, 'marker-internal')!;
      expect(stored.folder).toBe('inbox');
      expect(header(stored.text, 'X-SCL')).toBe('-1');
    } finally {
      await g.stop();
    }
  });

  it('refuses a store threshold at or above the gateway threshold', () => {
    const bad = { layers: { 'spam-filter': { gatewayThreshold: 5, storeThreshold: 5 } } };
    expect(() => parseGatewayConfig(bad, CONTENT_LAYERS)).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig(bad, CONTENT_LAYERS)).toThrow(/^layers\.spam-filter\.storeThreshold: storeThreshold must be lower than gatewayThreshold/);
    expect(() => parseGatewayConfig({ layers: { 'spam-filter': { gatewayAction: 'none', storeThreshold: 9 } } }, CONTENT_LAYERS)).not.toThrow();
  });
});
