// Spam filtering as Exchange 2003's Intelligent Message Filter: each message gets a Spam
// Confidence Level 0-9 from a table of scored rules; at the gateway threshold the gateway acts
// (reject, archive, delete, or nothing), at the lower store threshold the message is filed as
// junk; the SCL stays with the message (X-SCL). Trusted senders (internal, authenticated) get
// SCL -1, as in Exchange. Runs before anti-virus (the talk: cheaper first). SpamAssassin's spamd
// and rspamd, when configured, score too; the highest SCL counts (content/spam-engines.ts).
import { z } from 'zod';
import { Headers } from '@zone-eu/mailsplit';
import { defineLayer, CONTINUE, type SpooledMessage, type Verdict } from '../define-layer.js';
import { scanFailure } from '../content/mime-walk.js';
import { isMessageText } from '../content/message-facts.js';
import { RspamdOptions, SpamdOptions, describeOutcome, runEngines } from '../content/spam-engines.js';
import { addHeader } from '../content/headers.js';
import { isLocalDomain } from '../address.js';
import type { SpfMark } from './sender-auth.js';
import type { SpfResult } from '../../dns/spf/evaluate.js';

export { GTUBE } from '../content/message-facts.js';

const Options = z
  .object({
    /** SCL at or above which the gateway acts. */
    gatewayThreshold: z.number().int().min(1).max(9).default(7),
    /** reject: 550; archive: kept in quarantine, not delivered; delete: 250, then dropped; none: store threshold only. */
    gatewayAction: z.enum(['reject', 'archive', 'delete', 'none']).default('reject'),
    /** SCL at or above which the message goes to the junk folder. */
    storeThreshold: z.number().int().min(1).max(9).default(4),
    maxParts: z.number().int().min(1).max(100_000).default(1000),
    scanTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** SpamAssassin's spamd (spamc protocol over TCP), asked when configured. */
    spamd: SpamdOptions.optional(),
    /** rspamd's normal worker (HTTP /checkv2), asked when configured. */
    rspamd: RspamdOptions.optional(),
  })
  .strict()
  .refine((o) => o.gatewayAction === 'none' || o.storeThreshold < o.gatewayThreshold, {
    message: 'storeThreshold must be lower than gatewayThreshold (otherwise the gateway acts before the store ever sees the message)',
    path: ['storeThreshold'],
  })
  .prefault({});
type Options = z.output<typeof Options>;

/** What the rules look at: header fields, SMTP envelope, and what the body scan found. */
interface Facts {
  headers: Headers;
  /** Envelope sender or From address in one of our domains, sent by an outside, unauthenticated client. */
  forgedLocalSender: boolean;
  /** RFC 7208 result the sender-auth layer left in session.marks.spf. */
  spf: SpfResult | null;
  gtube: boolean;
  hasText: boolean;
  hasHtml: boolean;
  urls: URL[];
}

const SHORTENERS = new Set(['bit.ly', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly', 'shorturl.at']);
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/** Scores are SCL points; the SCL is their sum, at most 9. */
const RULES: readonly { name: string; score: number; test(f: Facts): boolean }[] = [
  { name: 'GTUBE', score: 9, test: (f) => f.gtube },
  { name: 'SPF_FAIL', score: 4, test: (f) => f.spf === 'fail' },
  { name: 'SPF_SOFTFAIL', score: 2, test: (f) => f.spf === 'softfail' },
  { name: 'FORGED_LOCAL_SENDER', score: 3, test: (f) => f.forgedLocalSender },
  { name: 'MISSING_FROM', score: 2, test: (f) => !f.headers.hasHeader('from') },
  { name: 'MISSING_DATE', score: 1, test: (f) => !f.headers.hasHeader('date') },
  { name: 'MISSING_MESSAGE_ID', score: 1, test: (f) => !f.headers.hasHeader('message-id') },
  { name: 'FROM_NAME_OTHER_ADDRESS', score: 2, test: fromNameHasOtherAddress },
  { name: 'SUBJECT_ALL_CAPS', score: 1, test: (f) => shouts(f.headers.getFirst('subject')) },
  { name: 'HTML_ONLY', score: 1, test: (f) => f.hasHtml && !f.hasText },
  { name: 'URL_NUMERIC_HOST', score: 2, test: (f) => f.urls.some((u) => IP_HOST.test(u.hostname)) },
  { name: 'URL_USERINFO', score: 3, test: (f) => f.urls.some((u) => u.username !== '') },
  { name: 'URL_SHORTENER', score: 1, test: (f) => f.urls.some((u) => SHORTENERS.has(u.hostname.toLowerCase())) },
];

function shouts(subject: string): boolean {
  // Tags put before the subject ("[SPOOFED] ", "[list]") are not the sender shouting.
  const letters = subject.replace(/^(\s*\[[^\]]{0,40}\])+/, '').replace(/[^A-Za-z]/g, '');
  return letters.length >= 10 && letters === letters.toUpperCase();
}

/** "PayPal <service@paypal.test>" <x@evil.test>: the name shows an address the mail is not from. */
function fromNameHasOtherAddress(f: Facts): boolean {
  const m = /^\s*"?([^"<]*)"?\s*<([^>]+)>/.exec(f.headers.getFirst('from'));
  const shown = m && /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(m[1]);
  return !!shown && shown[0].toLowerCase() !== m[2].trim().toLowerCase();
}

/** Body facts from the message text, from the walk the content layers share. */
async function scanBody(message: SpooledMessage, o: Options): Promise<Pick<Facts, 'gtube' | 'hasText' | 'hasHtml' | 'urls'>> {
  const f = await message.facts({ timeoutMs: o.scanTimeoutMs, maxParts: o.maxParts });
  const text = f.parts.filter(isMessageText);
  return {
    gtube: f.gtube,
    hasText: text.some((p) => p.contentType === 'text/plain'),
    hasHtml: text.some((p) => p.contentType === 'text/html'),
    urls: f.urls.filter((u) => URL.canParse(u)).map((u) => new URL(u)),
  };
}

/** Our own domain in MAIL FROM or From: from an outside client, a spoof or a remote list (the talk). */
function claimsLocalSender(mailFrom: string | null, headers: Headers, localDomains: readonly string[]): boolean {
  const from = /<([^>]+)>/.exec(headers.getFirst('from'))?.[1] ?? headers.getFirst('from');
  return [mailFrom ?? '', from].some((a) => a.includes('@') && isLocalDomain(a, localDomains));
}

export default defineLayer({
  id: 'spam-filter',
  title: 'Spam filter (SCL, gateway and store thresholds)',
  options: Options,
  hooks: {
    async data(ctx, message): Promise<Verdict> {
      const o = ctx.options;
      const s = ctx.session;
      // Exchange's SCL -1: internal and authenticated mail is not filtered.
      if (s.internal || s.authenticated) {
        s.marks.scl = -1;
        addHeader(s, 'X-SCL', '-1');
        return CONTINUE;
      }
      const headers = new Headers(message.headers);
      let facts: Facts;
      // The engines read the spool while the built-in rules walk it: they never fail the message.
      const engines = runEngines(message, s, o, o.gatewayThreshold);
      try {
        facts = { headers, forgedLocalSender: claimsLocalSender(s.mailFrom, headers, ctx.localDomains), spf: (s.marks.spf as SpfMark | undefined)?.result ?? null, ...(await scanBody(message, o)) };
      } catch (err) {
        await engines;
        return scanFailure('spam scan', err);
      }
      const matched = RULES.filter((r) => r.test(facts));
      const builtin = Math.min(9, matched.reduce((sum, r) => sum + r.score, 0));
      const rules = matched.map((r) => `${r.name}=${r.score}`).join(', ') || 'none';
      const outcomes = await engines;
      // Independent judges: the highest SCL wins (a sum would count SPF and headers twice).
      const scl = Math.max(builtin, ...outcomes.map((e) => e.scl ?? 0));
      s.marks.scl = scl;
      addHeader(s, 'X-SCL', String(scl));
      addHeader(s, 'X-Mxaudit-Spam-Rules', rules);
      const engineText = outcomes.map(describeOutcome);
      if (outcomes.length) addHeader(s, 'X-Mxaudit-Spam-Engines', engineText.join('; '));
      const allFailed = outcomes.length > 0 && outcomes.every((e) => !e.result);
      const why = outcomes.length ? `SCL ${scl} (built-in ${builtin}: ${rules}; ${engineText.join('; ')}${allFailed ? '; built-in score used' : ''})` : `SCL ${scl} (${rules})`;
      if (o.gatewayAction !== 'none' && scl >= o.gatewayThreshold) {
        const reason = `${why} at or above gateway threshold ${o.gatewayThreshold}: ${o.gatewayAction}`;
        if (o.gatewayAction === 'reject') return { action: 'reject', code: 550, enhanced: '5.7.1', text: `Message refused as spam (SCL ${scl})`, reason };
        // archive keeps it out of the mailbox for review; delete asks the core to drop it after the 250.
        s.marks.folder = 'quarantine';
        if (o.gatewayAction === 'delete') s.marks.discard = true;
        return { action: 'accept', reason };
      }
      // Under the gateway threshold the layer decides nothing; what it did is a note in the trace.
      if (scl >= o.storeThreshold) {
        s.marks.folder = 'junk';
        return { action: 'continue', reason: `${why} at or above store threshold ${o.storeThreshold}: filed as junk` };
      }
      // An engine that did not count is worth a note even for a clean message.
      return scl > 0 || outcomes.some((e) => !e.result) ? { action: 'continue', reason: `${why} below store threshold ${o.storeThreshold}` } : CONTINUE;
    },
  },
});
