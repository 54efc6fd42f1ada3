// The key facts a consultant compares between a target and the reference: each names its
// check, the findings that make a server weaker on that point, and how to show its value in a
// few words. Values are read from the assessment's facts; verdicts come from the findings.
import type { Assessment, HostFacts } from '../../shared/assessment.js';
import { humanDuration } from '../probe/harvest-estimate.js';

export interface KeyFact {
  checkId: string;
  fact: string;
  /** Finding ids that make a server weaker on this point. */
  findings: string[];
  /** A few words for the table; null when the assessment has no value for it. */
  show(a: Assessment, bad: string[]): string | null;
}

type Dict = Record<string, unknown>;
const obj = (v: unknown): Dict | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : null);
const code = (reply: unknown) => (typeof reply === 'string' ? (/^\d{3}/.exec(reply)?.[0] ?? reply.slice(0, 20)) : null);
const facts = (a: Assessment): HostFacts => a.facts ?? {};
const domainFact = (a: Assessment, key: string) => obj(a.domainFacts?.[key]);
const has = (bad: string[], id: string) => bad.includes(id);

/** "bad word" when a listed finding is present, else "good word", with the reply code when known. */
const flag = (badWord: string, goodWord: string, reply?: (a: Assessment) => unknown) => (a: Assessment, bad: string[]) => {
  const c = reply ? code(reply(a)) : null;
  return `${bad.length ? badWord : goodWord}${c ? ` (${c})` : ''}`;
};

export const keyFacts: KeyFact[] = [
  {
    checkId: 'open-relay',
    fact: 'relay.open',
    findings: ['smtp.open-relay'],
    show: (a) => {
      const r = facts(a).relay;
      if (!r) return null;
      return r.open ? `open (${r.accepted.length} of ${r.tested} relayed)` : `closed (${r.tested} refused)`;
    },
  },
  {
    checkId: 'open-relay',
    fact: 'relay.spoofedLocalSender',
    findings: ['smtp.spoofed-local-sender'],
    show: (a) => {
      const v = facts(a).relay?.spoofedLocalSenderAccepted;
      return v === undefined || v === null ? null : v ? 'own domain accepted from outside' : 'own domain refused from outside';
    },
  },
  {
    checkId: 'recipients',
    fact: 'recipients.unknown',
    findings: ['smtp.accepts-unknown-recipients'],
    show: (a) => {
      const r = facts(a).recipients;
      if (!r || r.acceptAll === null) return null;
      return `${r.acceptAll ? 'accepted' : 'refused'}${code(r.unknownReply) ? ` (${code(r.unknownReply)})` : ''}`;
    },
  },
  { checkId: 'recipients', fact: 'recipients.vrfy', findings: ['smtp.vrfy-enabled'], show: flag('VRFY confirms users', 'VRFY confirms nothing', (a) => facts(a).recipients?.vrfy) },
  { checkId: 'recipients', fact: 'recipients.expn', findings: ['smtp.expn-enabled'], show: flag('EXPN expands lists', 'EXPN expands nothing', (a) => facts(a).recipients?.expn) },
  { checkId: 'recipients', fact: 'recipients.postmaster', findings: ['smtp.postmaster-rejected'], show: flag('postmaster refused', 'postmaster accepted', (a) => facts(a).recipients?.postmasterReply) },
  { checkId: 'recipients', fact: 'recipients.nullSender', findings: ['smtp.null-sender-rejected'], show: flag('null sender refused', 'null sender accepted', (a) => facts(a).recipients?.nullSenderReply) },
  {
    checkId: 'harvest',
    fact: 'harvest.enumerate4Char',
    findings: ['smtp.dha-no-delay'],
    show: (a) => {
      const h = facts(a).harvest;
      if (!h) return null;
      const t = h.enumerate4CharSeconds === null ? 'unknown' : humanDuration(h.enumerate4CharSeconds);
      return `${t} for all 4-char aliases${h.unknownMedianMs !== null ? ` (${(h.unknownMedianMs / 1000).toFixed(1)} s per unknown)` : ''}`;
    },
  },
  {
    checkId: 'ehlo',
    fact: 'ehlo.authBeforeTls',
    findings: ['smtp.auth-before-tls'],
    show: (a) => {
      const e = facts(a).ehlo;
      if (!e) return null;
      return e.auth.length ? `AUTH ${e.auth.join(' ')} before TLS` : 'no AUTH before TLS';
    },
  },
  {
    checkId: 'ehlo',
    fact: 'ehlo.auth',
    findings: ['smtp.auth-exposed'],
    show: (a, bad) => {
      const e = facts(a).ehloAfterTls ?? facts(a).ehlo;
      if (!e) return null;
      return e.auth.length ? `AUTH ${e.auth.join(' ')}${has(bad, 'smtp.auth-exposed') ? ' (exposed)' : ''}` : 'no AUTH';
    },
  },
  {
    checkId: 'ehlo',
    fact: 'ehlo.size',
    findings: ['smtp.size-not-advertised'],
    show: (a) => {
      const e = facts(a).ehlo;
      if (!e) return null;
      return e.size === null ? 'SIZE not advertised' : e.size === 0 ? 'SIZE without limit' : `SIZE ${e.size}`;
    },
  },
  { checkId: 'ehlo', fact: 'ehlo.legacyExtensions', findings: ['smtp.legacy-extensions'], show: flag('legacy verbs offered', 'no legacy verbs') },
  { checkId: 'ehlo', fact: 'ehlo.banner', findings: ['smtp.banner-disclosure'], show: flag('software disclosed', 'nothing disclosed') },
  {
    checkId: 'ehlo',
    fact: 'ehlo.dsn',
    findings: ['smtp.dsn-not-advertised'],
    show: (a) => {
      const e = facts(a).ehlo;
      return e ? (e.dsn ? 'DSN advertised' : 'no DSN') : null;
    },
  },
  {
    checkId: 'size-limit',
    fact: 'size.enforced',
    findings: ['smtp.size-not-enforced'],
    show: (a) => {
      const s = facts(a).size;
      if (!s || s.enforced === null) return null;
      return `${s.enforced ? 'enforced' : 'not enforced'}${code(s.reply) ? ` (${code(s.reply)})` : ''}`;
    },
  },
  {
    checkId: 'starttls',
    fact: 'tls.offered',
    findings: ['tls.starttls-missing', 'tls.handshake-failed'],
    show: (a, bad) => {
      const t = facts(a).tls;
      if (!t || t.offered === undefined) return null;
      return !t.offered ? 'STARTTLS not offered' : has(bad, 'tls.handshake-failed') ? 'offered, handshake fails' : `offered${t.protocol ? ` (${t.protocol})` : ''}`;
    },
  },
  {
    checkId: 'starttls',
    fact: 'tls.certificate',
    findings: ['tls.cert-expired', 'tls.cert-untrusted', 'tls.cert-self-signed', 'tls.cert-not-yet-valid', 'tls.cert-hostname-mismatch', 'tls.weak-key', 'tls.mtasts-cert-invalid', 'tls.cert-incomplete-chain', 'tls.weak-signature', 'tls.cert-expiring-soon'],
    show: (a, bad) => {
      const t = facts(a).tls;
      if (!t?.certificate) return null;
      if (bad.length) return bad.map((id) => id.replace(/^tls\.(cert-)?/, '')).join(', ');
      return `${t.trusted ? 'trusted' : 'not verified'}${t.hostnameMatch ? ', name matches' : ''}`;
    },
  },
  {
    checkId: 'tls-protocols',
    fact: 'tls.protocols',
    findings: ['tls.legacy-protocol', 'tls.no-tls13'],
    show: (a) => {
      const p = facts(a).tls?.protocols;
      if (!p) return null;
      const on = Object.entries(p).filter(([, v]) => v === true).map(([k]) => k);
      return on.length ? on.join(', ') : 'none accepted';
    },
  },
  {
    checkId: 'tls-protocols',
    fact: 'tls.weakCiphers',
    findings: ['tls.weak-cipher'],
    show: (a) => {
      const w = facts(a).tls?.weakCiphers;
      return w ? (w.length ? w.join(', ') : 'none') : null;
    },
  },
  {
    checkId: 'dane',
    fact: 'dane',
    findings: ['tls.dane-mismatch', 'tls.dane-no-dnssec', 'tls.dane-unusable-records'],
    show: (a, bad) => {
      const d = obj(facts(a).dane);
      if (!d) return null;
      const tlsa = Array.isArray(d.tlsa) ? d.tlsa.length : 0;
      if (!tlsa) return 'no TLSA';
      return bad.length ? bad.join(', ') : `${tlsa} TLSA, ${Array.isArray(d.matched) && d.matched.length ? 'matching' : 'not matching'}`;
    },
  },
  { checkId: 'submission', fact: 'submission.mailBeforeTls', findings: ['tls.submission-plaintext-allowed'], show: flag('mail accepted before TLS', 'refused before TLS', (a) => obj(facts(a).submission)?.mailBeforeTls) },
  {
    checkId: 'spf',
    fact: 'spf.record',
    findings: ['spf.pass-all', 'spf.multiple-records', 'spf.syntax-error', 'spf.too-many-lookups', 'spf.too-many-void-lookups', 'spf.missing', 'spf.neutral-all', 'spf.no-all', 'spf.ptr-mechanism', 'spf.record-too-long'],
    show: (a, bad) => {
      const s = domainFact(a, 'spf');
      if (!s) return null;
      const outside = typeof s.resultForOutsideIp === 'string' ? `outside: ${s.resultForOutsideIp}` : null;
      return [s.record ? 'record' : 'no record', outside, ...bad].filter(Boolean).join(', ');
    },
  },
  {
    checkId: 'dmarc',
    fact: 'dmarc.policy',
    findings: ['dmarc.missing', 'dmarc.policy-none', 'dmarc.syntax-error', 'dmarc.no-rua'],
    show: (a, bad) => {
      const d = domainFact(a, 'dmarc');
      if (!d) return null;
      if (!d.record) return 'no record';
      return `p=${d.policy ?? '?'}${has(bad, 'dmarc.no-rua') ? ', no rua' : ''}`;
    },
  },
  {
    checkId: 'mta-sts',
    fact: 'mtaSts.mode',
    findings: ['mtasts.missing', 'mtasts.invalid', 'mtasts.mx-mismatch', 'mtasts.testing-mode', 'mtasts.mode-none', 'mtasts.short-max-age'],
    show: (a, bad) => {
      const m = domainFact(a, 'mtaSts');
      if (!m) return null;
      if (!m.txt) return 'no policy';
      if (m.error) return 'invalid';
      return `mode ${m.mode ?? '?'}${has(bad, 'mtasts.mx-mismatch') ? ', MX not covered' : ''}`;
    },
  },
  {
    checkId: 'tls-rpt',
    fact: 'tlsRpt.record',
    findings: ['tlsrpt.missing', 'tlsrpt.invalid'],
    show: (a) => {
      const t = domainFact(a, 'tlsRpt');
      if (!t) return null;
      return !t.record ? 'no record' : t.error ? 'invalid' : `reports to ${Array.isArray(t.rua) ? t.rua.length : 0} address(es)`;
    },
  },
  {
    checkId: 'dnsbl',
    fact: 'dnsbl.listed',
    findings: ['dns.rbl-listed', 'dns.rbl-query-refused'],
    show: (a) => {
      const r = facts(a).rbl;
      if (!r) return null;
      const listed = r.filter((x) => x.status === 'listed').length;
      return listed ? `listed on ${listed} of ${r.length}` : `clean on ${r.filter((x) => x.status === 'clean').length} list(s)`;
    },
  },
  {
    checkId: 'reverse-dns',
    fact: 'ptr',
    findings: ['dns.ptr-missing', 'dns.fcrdns-mismatch', 'smtp.banner-hostname-mismatch'],
    show: (a, bad) => {
      const p = obj(facts(a).ptr);
      if (!p) return null;
      const names = Array.isArray(p.names) ? p.names.length : 0;
      if (!names) return 'no PTR';
      return `PTR${p.forwardConfirmed ? ', forward-confirmed' : ', not forward-confirmed'}${has(bad, 'smtp.banner-hostname-mismatch') ? ', banner differs' : ''}`;
    },
  },
];
