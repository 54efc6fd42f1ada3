// Sender authentication (the talk's "Mitigating the spoofing problem"): SPF by the probe's
// mailauth evaluator, with an action per result, and option 1 for mail that claims one of our
// own domains from outside: refuse it, or accept it with a visible mark for the user (a
// warning header and, by default, "[SPOOFED] " before the Subject).
// Internal and authenticated sessions are not checked.
//
// SPF is evaluated once per transaction at its first RCPT that reaches this layer, not at MAIL:
// placed after recipient lookup, a harvester's unknown recipients are refused before any DNS
// question is asked on its behalf, and postmaster (accepted there) stays reachable. Postfix
// runs its SPF policy service at RCPT for the same reasons.
import { z } from 'zod';
import { defineLayer, CONTINUE, type LayerContext, type Verdict } from '../define-layer.js';
import type { GatewaySession } from '../session.js';
import { domainOf } from '../address.js';
import { checkHost, type SpfEvaluation, type SpfResult } from '../../dns/spf/evaluate.js';
import { prefixSubject } from '../content/subject-tag.js';
import { scanFailure } from '../content/mime-walk.js';
import { createSpfCache, type SpfCache } from '../spf-cache.js';

const Action = z.enum(['reject', 'tag', 'none']);

const Options = z
  .object({
    fail: Action.default('reject'),
    softfail: Action.default('tag'),
    /** Tag by default, not reject: the talk's remote distribution lists bring our users' own mail back from outside. */
    ownDomainFromOutside: Action.default('tag'),
    /** Header field carrying the warnings; users' mail clients show or filter on it. */
    tagHeader: z.string().regex(/^[!-9;-~]{1,76}$/, 'expected a header field name').default('X-Mxaudit-Spoof-Warning'),
    /** What the user sees: put before the Subject of tagged mail (printable ASCII); empty for the header only. */
    subjectPrefix: z.string().regex(/^[\x20-\x7e]{0,40}$/, 'expected at most 40 printable ASCII characters').default('[SPOOFED] '),
  })
  .strict()
  .prefault({});
type Options = z.output<typeof Options>;

/** Left in session.marks.spf for later layers (spam scoring). */
export interface SpfMark {
  result: SpfResult;
  /** The domain checked: the MAIL FROM domain, or the HELO name for the null sender. */
  domain: string;
  identity: 'mailfrom' | 'helo';
}

/** What this layer decided for the current transaction. */
interface Transaction {
  spf: SpfMark;
  /** Refusal for every recipient of the transaction, if any. */
  reject: Verdict | null;
  warnings: Set<string>;
  receivedSpf: string;
  /** Headers this layer put in session.addHeaders, taken back at the next MAIL. */
  added: string[];
}

interface State {
  transactions: WeakMap<GatewaySession, Transaction>;
  spf: SpfCache;
}

type Ctx = LayerContext<Options, State>;

const exempt = (s: GatewaySession) => s.internal || s.authenticated;

/** Reply text may carry a domain's exp= text: printable ASCII only, bounded. */
const replySafe = (t: string) => t.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);

async function judge(ctx: Ctx): Promise<Transaction> {
  const s = ctx.session;
  const o = ctx.options;
  const from = s.mailFrom ?? '';
  const helo = s.helo ?? '';
  const input = { ip: s.remoteAddress, sender: from, helo };
  const ev = await ctx.state.spf.check(input, ctx.now(), () => checkHost(ctx.resolver.query, input));
  const spf: SpfMark = { result: ev.result, domain: from ? domainOf(from) : helo.toLowerCase(), identity: from ? 'mailfrom' : 'helo' };
  s.marks.spf = spf;
  const why = replySafe(ev.explanation ?? (ev.comment ?? ev.result).replace(/^mxaudit: /, ''));
  const spfAction = ev.result === 'fail' ? o.fail : ev.result === 'softfail' ? o.softfail : 'none';
  const t: Transaction = { spf, reject: null, warnings: new Set(), receivedSpf: receivedSpf(ev, s), added: [] };
  if (spfAction === 'reject') {
    // RFC 7372: 5.7.23 is "SPF validation failed".
    t.reject = { action: 'reject', code: 550, enhanced: '5.7.23', text: `SPF validation failed: ${why}`, reason: `SPF ${ev.result} for ${spf.domain} from ${s.remoteAddress}` };
    return t;
  }
  if (spfAction === 'tag') t.warnings.add(`SPF ${ev.result}: ${why}`);
  if (from && claimsUs(ctx, spf.domain, spf)) {
    if (o.ownDomainFromOutside === 'reject') t.reject = ownDomainReject(spf.domain, s.remoteAddress, 'envelope sender');
    else if (o.ownDomainFromOutside === 'tag') t.warnings.add(ownDomainWarning(spf.domain, s.remoteAddress));
  }
  return t;
}

/** One of our domains from outside, unless our own SPF record authorizes that host for it. */
const claimsUs = (ctx: Ctx, domain: string, spf: SpfMark) =>
  ctx.localDomains.some((l) => l.toLowerCase() === domain) && !(spf.result === 'pass' && spf.domain === domain);

const ownDomainWarning = (domain: string, ip: string) => `claims our domain ${domain} but comes from outside (${ip})`;

const ownDomainReject = (domain: string, ip: string, where: 'envelope sender' | 'From header'): Verdict => ({
  action: 'reject',
  code: 550,
  enhanced: '5.7.1',
  text: `Mail from our domain ${domain} must come from our network or be authenticated`,
  reason: `${where} ${ownDomainWarning(domain, ip)}`,
});

/** Domains of every address in the From header fields, display names included ("boss@lab.test" <x@evil.example>). */
function fromHeaderDomains(headers: string): string[] {
  const fields = headers.replace(/\r?\n[ \t]+/g, ' ').match(/^From:.*$/gim) ?? [];
  return fields.flatMap((f) => [...f.matchAll(/@([A-Za-z0-9.-]+)/g)].map((m) => m[1].toLowerCase().replace(/\.$/, '')));
}

/** RFC 7208 section 9.1, with the values cleaned so nothing from the client can break the header. */
function receivedSpf(ev: SpfEvaluation, s: GatewaySession): string {
  const comment = (ev.comment ?? '').replace(/[\x00-\x1f\x7f]/g, ' ').replace(/[\\()]/g, '\\$&');
  const value = (v: string) => (/^[!#-'*-:<-[\]-~]+$/.test(v) ? v : `"${v.replace(/[\x00-\x1f\x7f]/g, '').replace(/["\\]/g, '\\$&')}"`);
  const pairs = [`client-ip=${value(s.remoteAddress)};`, s.mailFrom ? `envelope-from=${value(s.mailFrom)};` : '', s.helo ? `helo=${value(s.helo)};` : '', `identity=${s.mailFrom ? 'mailfrom' : 'helo'};`];
  return `Received-SPF: ${ev.result}${comment ? ` (${comment})` : ''} ${pairs.filter(Boolean).join(' ')}`;
}

export default defineLayer({
  id: 'sender-auth',
  title: 'Sender authentication (SPF) and own-domain spoofing',
  options: Options,
  init: () => ({ transactions: new WeakMap<GatewaySession, Transaction>(), spf: createSpfCache() }),
  hooks: {
    mail(ctx): Verdict {
      // The core keeps addHeaders and marks for the whole session: take back the last transaction's.
      const s = ctx.session;
      for (const h of ctx.state.transactions.get(s)?.added ?? []) {
        const i = s.addHeaders.indexOf(h);
        if (i >= 0) s.addHeaders.splice(i, 1);
      }
      ctx.state.transactions.delete(s);
      delete s.marks.spf;
      return CONTINUE;
    },
    async rcpt(ctx): Promise<Verdict> {
      if (exempt(ctx.session)) return CONTINUE;
      let t = ctx.state.transactions.get(ctx.session);
      if (!t) ctx.state.transactions.set(ctx.session, (t = await judge(ctx)));
      return t.reject ?? CONTINUE;
    },
    async data(ctx, message): Promise<Verdict> {
      const s = ctx.session;
      if (exempt(s)) return CONTINUE;
      // No RCPT reached this layer when an earlier one accepted them all (postmaster): judge now,
      // for the mark and the headers; an RCPT-time refusal is never applied to those recipients.
      let t = ctx.state.transactions.get(s);
      if (!t) ctx.state.transactions.set(s, (t = await judge(ctx)));
      for (const domain of new Set(fromHeaderDomains(message.headers))) {
        if (!claimsUs(ctx, domain, t.spf)) continue;
        if (ctx.options.ownDomainFromOutside === 'reject') return ownDomainReject(domain, s.remoteAddress, 'From header');
        if (ctx.options.ownDomainFromOutside === 'tag') t.warnings.add(ownDomainWarning(domain, s.remoteAddress));
      }
      t.added = [t.receivedSpf];
      if (!t.warnings.size) {
        s.addHeaders.push(...t.added);
        return CONTINUE;
      }
      const warnings = [...t.warnings].join('; ');
      t.added.push(`${ctx.options.tagHeader}: ${warnings}`);
      s.addHeaders.push(...t.added);
      const prefix = ctx.options.subjectPrefix;
      let subject = '';
      if (prefix.trim()) {
        try {
          const r = await prefixSubject(message, prefix);
          subject = r === 'tagged' ? `, subject prefixed "${prefix.trim()}"` : r === 'already-tagged' ? ', subject already tagged' : ', subject not tagged (header block too large)';
        } catch (err) {
          return scanFailure('subject tagging', err);
        }
      }
      // Tagged, not decided: the message goes on to the next layers; the trace keeps the note.
      return { action: 'continue', reason: `tagged: ${warnings}${subject}` };
    },
  },
});
