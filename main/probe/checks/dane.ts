// DANE for SMTP (RFC 7672): the TLSA records at _<port>._tcp.<mx> must match the certificate chain
// the MX serves after STARTTLS, or every DANE-validating sender defers mail to it.
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import type { ProbeContext } from '../context.js';
import { openSession, reasonOf } from '../smtp-steps.js';
import { presentedChain } from '../../tls/chain.js';
import { replyText } from '../../net/smtp-reply.js';
import { lookupTlsa, type TlsaLookup } from '../../dns/tlsa/tlsa-client.js';
import { isUsable, matchTlsa, subjectOf, type TlsaMatch } from '../../dns/tlsa/tlsa-match.js';
import { formatTlsa, tlsaName, type TlsaRecord } from '../../dns/tlsa/tlsa-record.js';

type O = 'tls.dane-mismatch' | 'tls.dane-no-dnssec' | 'tls.dane-unusable-records';

/** host.facts.dane */
export interface DaneFacts {
  tlsa: TlsaRecord[];
  /** AD bit of the TLSA answer, as the run's resolver set it. */
  ad: boolean;
  matched: TlsaMatch[];
  error: string | null;
}

/** Per exchange, and rounds over the servers, like the run's resolver by default. */
const DNS_TIMEOUT_MS = 3000;
const DNS_TRIES = 2;

export default defineCheck<O>({
  id: 'dane',
  title: 'DANE: TLSA records match the served certificate chain',
  category: 'tls',
  active: false,
  timeoutMs: 45_000,
  references: ['RFC 7672', 'RFC 6698 section 2.1', 'RFC 7671'],
  outcomes: {
    'tls.dane-mismatch': {
      severity: 'critical',
      title: 'TLSA records do not match the served certificate',
      description:
        'The MX host publishes TLSA records, but none of the usable ones (DANE-TA or DANE-EE) matches the certificate chain it serves after STARTTLS. Senders that validate DANE (Postfix, Exim and others) do not deliver to it: mail is deferred, then bounced.',
      remediation:
        'Publish TLSA records for the key actually served ("3 1 1" of its public key is the most robust). When rotating keys, publish the new record next to the old one first and remove the old one only after the switch.',
      references: ['RFC 7671 section 8.1', 'RFC 7672 section 2.2'],
    },
    'tls.dane-no-dnssec': {
      severity: 'medium',
      title: 'TLSA records are not DNSSEC-authenticated',
      description:
        'TLSA records exist, but the answer was not authenticated (AD bit clear) as seen by the resolver used for this run. Senders ignore TLSA records that DNSSEC does not validate, so DANE protects nothing: the zone is not signed, or that resolver does not validate.',
      remediation:
        'Sign the zone of the TLSA records, and of the MX host, with DNSSEC and publish the DS record in the parent zone. If it is signed already, probe again with a validating resolver (--dns) to confirm.',
      references: ['RFC 7672 section 2.2', 'RFC 6840 section 5.7'],
    },
    'tls.dane-unusable-records': {
      severity: 'info',
      title: 'Only TLSA records that SMTP cannot use',
      description:
        'Every TLSA record has usage PKIX-TA(0) or PKIX-EE(1), or a selector or matching type outside 0-1 and 0-2. SMTP senders ignore such records (there is no agreed set of CAs for MX hosts): they still require TLS, but authenticate nothing.',
      remediation: 'Publish DANE-EE(3) or DANE-TA(2) records instead, e.g. "3 1 1" with the SHA-256 of the server public key.',
      references: ['RFC 7672 section 3.1.3'],
    },
  },
  async run(ctx) {
    const { host, port } = ctx.target;
    if (net.isIP(host)) return { notApplicable: 'the target is an IP address: TLSA records are published under the MX host name' };
    const name = tlsaName(host, port);
    let lookup: TlsaLookup;
    try {
      lookup = await lookupTlsa(name, { servers: ctx.resolver.servers, timeoutMs: DNS_TIMEOUT_MS, tries: DNS_TRIES, signal: ctx.signal });
    } catch (err) {
      return { inconclusive: reasonOf(err), facts: { dane: { tlsa: [], ad: false, matched: [], error: reasonOf(err) } } };
    }
    ctx.transcript.note(`TLSA ${name} from ${lookup.server} over ${lookup.transport}: ${lookup.records.length} record(s), AD=${+lookup.authenticated}`);
    for (const r of lookup.records) ctx.transcript.note(`TLSA ${formatTlsa(r)}`);
    const dane: DaneFacts = { tlsa: lookup.records, ad: lookup.authenticated, matched: [], error: null };
    if (!lookup.records.length) return { notApplicable: 'no TLSA records: DANE not used', facts: { dane } };

    const tlsa = lookup.records.map(formatTlsa);
    const findings: RaisedFinding<O>[] = [];
    const raise = (outcome: O, detail: string, extra: Record<string, unknown> = {}) =>
      findings.push({ outcome, detail, evidence: { transcript: ctx.transcript.lines(), tlsa, ...extra } });
    // The lab's DNS server does not sign its zones: there AD=0 is by nature, not a finding; the
    // records are still matched against the served chain, and the outcome says so.
    const labUnsigned = !lookup.authenticated && ctx.options.lab === true;
    if (!lookup.authenticated && !labUnsigned) raise('tls.dane-no-dnssec', `Resolver ${lookup.server} answered ${name} with AD=0.`, { resolver: lookup.server });
    // Senders then use TLS without authentication: nothing to match, so no connection.
    if (!lookup.records.some(isUsable)) {
      raise('tls.dane-unusable-records', `Records: ${tlsa.join('; ')}.`);
      return { findings, facts: { dane } };
    }

    let chain: X509Certificate[];
    try {
      chain = await servedChain(ctx);
    } catch (err) {
      if (!(err instanceof NoTls)) return { findings, inconclusive: reasonOf(err), facts: { dane: { ...dane, error: reasonOf(err) } } };
      raise('tls.dane-mismatch', `${err.message}: DANE senders require TLS with this host.`);
      return { findings, facts: { dane: { ...dane, error: err.message } } };
    }
    const verdict = matchTlsa(lookup.records, chain, host);
    dane.matched = verdict.matched;
    if (verdict.matched.length) {
      if (labUnsigned && !findings.length) {
        return { notApplicable: `not applicable in lab: the lab DNS server does not sign its zones, so DNSSEC (AD bit) cannot be judged; the TLSA records match the served chain (${verdict.matched.length} matched)`, facts: { dane } };
      }
      return { findings, facts: { dane } };
    }
    const certs = chain.map((c) => ({ subject: subjectOf(c), issuer: c.issuer.split('\n').join(', '), sha256: c.fingerprint256 }));
    const detail = [`Served chain: ${certs.map((c) => c.subject).join(' <- ')}.`, ...verdict.problems.map((p) => `${p}.`)].join(' ');
    raise('tls.dane-mismatch', detail, { chain: certs, problems: verdict.problems });
    return { findings, facts: { dane } };
  },
});

/** The server cannot be reached over TLS at all: to a DANE sender, that is a failed match. */
class NoTls extends Error {}

/**
 * EHLO, STARTTLS (unless the port speaks TLS from the start), and the chain exactly as the
 * server sent it, leaf first: with no trust store node adds nothing of its own, which matters
 * because a DANE-TA anchor must be sent by the server (RFC 7672 3.1.2).
 */
async function servedChain(ctx: ProbeContext): Promise<X509Certificate[]> {
  const { session, ehlo } = await openSession(ctx, { tls: { trustStore: 'none' } });
  try {
    if (!session.secure) {
      if (!ehlo.facts.starttls) throw new NoTls('the server does not offer STARTTLS');
      const reply = await session.startTls();
      if (reply.code !== 220) throw new NoTls(`STARTTLS refused: ${replyText(reply)}`);
    }
    return session.tls?.peerCertificate ? presentedChain(session.tls.peerCertificate) : [];
  } finally {
    await session.quit();
  }
}
