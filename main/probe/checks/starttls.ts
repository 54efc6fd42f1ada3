// STARTTLS and the certificate behind it, as a verifying sender sees them: one connection,
// EHLO, STARTTLS (implicit TLS on 465), then the presented chain judged offline.
import net from 'node:net';
import type { HostFacts, Severity } from '../../../shared/assessment.js';
import { SmtpError, type SmtpSession } from '../../net/smtp-client.js';
import { replyText } from '../../net/smtp-reply.js';
import type { MxSet } from '../../dns/mx.js';
import { presentedChain } from '../../tls/chain.js';
import { inspectChain, type Inspection } from '../../tls/inspect.js';
import { trustAnchors } from '../../tls/trust-store.js';
import type { CertificateFacts } from '../../tls/certificate.js';
import type { ProbeContext } from '../context.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { reasonOf } from '../smtp-steps.js';
import type { MtaStsFacts } from './mta-sts.js';

type O =
  | 'tls.starttls-missing'
  | 'tls.handshake-failed'
  | 'tls.cert-untrusted'
  | 'tls.cert-self-signed'
  | 'tls.cert-expired'
  | 'tls.cert-not-yet-valid'
  | 'tls.cert-expiring-soon'
  | 'tls.cert-hostname-mismatch'
  | 'tls.cert-incomplete-chain'
  | 'tls.weak-key'
  | 'tls.weak-signature'
  | 'tls.mtasts-cert-invalid';

type TlsFacts = Required<Pick<NonNullable<HostFacts['tls']>, 'offered' | 'protocol' | 'cipher' | 'certificate' | 'chain' | 'trusted' | 'hostnameMatch' | 'connections' | 'error'>>;

const IMPLICIT_TLS_PORT = 465;
/** Submission ports: MTA-STS governs MX delivery only. */
const SUBMISSION_PORTS = [465, 587];
/** Renewal warnings: medium under 30 days, low under 60. */
const EXPIRY_MEDIUM_DAYS = 30;
const EXPIRY_LOW_DAYS = 60;

export default defineCheck<O>({
  id: 'starttls',
  title: 'STARTTLS and the server certificate',
  category: 'tls',
  active: false,
  timeoutMs: 30_000,
  references: ['RFC 3207', 'RFC 8314', 'RFC 5280', 'RFC 6125'],
  outcomes: {
    'tls.starttls-missing': {
      severity: 'high',
      title: 'STARTTLS is not offered',
      description: 'The server does not advertise STARTTLS, so every message to or through it crosses the network in clear text, readable and alterable by anyone on the path.',
      remediation: 'Enable STARTTLS with a certificate for the host name (Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files; Exchange: a certificate bound to the SMTP service).',
    },
    'tls.handshake-failed': {
      severity: 'high',
      title: 'The TLS handshake fails',
      description: 'TLS is offered but no TLS session could be set up, so senders fall back to clear text or, when they require TLS, cannot deliver.',
      remediation: 'Check the TLS configuration and logs of the server (certificate and key files, protocol versions and ciphers) and test again with openssl s_client -starttls smtp.',
    },
    'tls.cert-untrusted': {
      severity: 'high',
      title: 'The certificate is not issued by a trusted CA',
      description: 'The certificate chain does not lead to a trusted root certificate (public roots, plus --ca when given). Senders that verify certificates (MTA-STS, DANE-less enforcement) refuse it; others cannot tell the server from an impostor.',
      remediation: 'Use a certificate from a public CA (e.g. ACME/Let\'s Encrypt) for the host name, served with its intermediate certificates.',
    },
    'tls.cert-self-signed': {
      severity: 'high',
      title: 'The certificate is self-signed',
      description: 'The server presents a certificate signed by its own key. No sender can verify it, so anyone on the path can impersonate the server undetected.',
      remediation: 'Replace it with a certificate from a public CA for the host name (ACME clients make this free and automatic).',
    },
    'tls.cert-expired': {
      severity: 'critical',
      title: 'A certificate has expired',
      description: 'A certificate of the chain is past its expiry date. Verifying senders refuse the connection, so mail from domains with MTA-STS or strict TLS policies is not delivered.',
      remediation: 'Renew the certificate now and automate renewal (ACME) with monitoring of the expiry date.',
    },
    'tls.cert-not-yet-valid': {
      severity: 'high',
      title: 'A certificate is not yet valid',
      description: 'A certificate of the chain has a start date in the future; verifying senders refuse it until then. This also happens when the server clock or the issuance date is wrong.',
      remediation: 'Serve the previous valid certificate until the new one starts, and check the clocks of the server and of the issuing system.',
    },
    'tls.cert-expiring-soon': {
      severity: 'medium',
      title: 'A certificate expires soon',
      description: 'A certificate of the chain expires within two months.',
      remediation: 'Renew the certificate before it expires, and automate renewal (ACME) so it never depends on someone remembering.',
    },
    'tls.cert-hostname-mismatch': {
      severity: 'high',
      title: 'The certificate does not name the server',
      description: 'The certificate is not valid for the name senders use to reach this server, so verifying senders refuse it.',
      remediation: 'Issue the certificate with the MX host name in its subjectAltName (DNS entry), or point the MX record at a name the certificate covers.',
    },
    'tls.cert-incomplete-chain': {
      severity: 'medium',
      title: 'The certificate chain is incomplete',
      description: 'The server sends its certificate without the intermediate certificate that links it to a root, so senders that do not fetch missing intermediates (most mail servers) cannot verify it.',
      remediation: 'Serve the full chain: leaf first, then the intermediates (Postfix: put them after the certificate in smtpd_tls_chain_files; use the CA\'s fullchain file).',
    },
    'tls.weak-key': {
      severity: 'high',
      title: 'A certificate has a weak key',
      description: 'A certificate of the chain uses a key shorter than RSA 2048 / EC 256 bits, within reach of factoring or rejected by current TLS libraries.',
      remediation: 'Issue a new certificate with an RSA 2048+ or EC P-256+ key.',
    },
    'tls.weak-signature': {
      severity: 'medium',
      title: 'A certificate is signed with SHA-1 or MD5',
      description: 'A certificate of the chain is signed with a hash for which collisions can be computed, which allows forging certificates; current TLS libraries reject such signatures.',
      remediation: 'Reissue the certificate (and any such intermediate) with a SHA-256 or better signature.',
    },
    'tls.mtasts-cert-invalid': {
      severity: 'high',
      title: 'MTA-STS is enforced but the certificate fails its requirements',
      description: 'The domain\'s MTA-STS policy is in enforce mode, so compliant senders deliver only over TLS with a certificate that is trusted, in date and valid for the MX host name. This server does not meet that, so such senders do not deliver mail to it.',
      remediation: 'Fix the certificate now (trusted CA, in date, MX host name in subjectAltName), or switch the policy to mode: testing until it is fixed.',
      references: ['RFC 8461 section 4.2'],
    },
  },
  async run(ctx) {
    const implicit = ctx.target.port === IMPLICIT_TLS_PORT;
    const facts: TlsFacts = { offered: implicit, protocol: null, cipher: null, certificate: null, chain: [], trusted: null, hostnameMatch: null, connections: 1, error: null };
    const findings: RaisedFinding<O>[] = [];
    const done = () => ({ findings, facts: { tls: facts } });
    const evidence = (extra: Record<string, unknown> = {}) => ({ transcript: ctx.transcript.lines(), ...extra });
    const handshakeFailed = (error: string) => {
      facts.error = error;
      findings.push({ outcome: 'tls.handshake-failed', detail: `${error}.`, evidence: evidence() });
      mtaStsRequirement(ctx, findings, [`no TLS session (${error})`], evidence());
      return done();
    };

    let session: SmtpSession;
    try {
      session = await ctx.connect();
    } catch (err) {
      if (implicit && err instanceof SmtpError && err.kind === 'tls') return handshakeFailed(err.message);
      return { inconclusive: reasonOf(err), facts: { tls: facts } };
    }
    try {
      if (!implicit) {
        if (session.greeting.code !== 220) return { inconclusive: `server refused the session: ${replyText(session.greeting)}`, facts: { tls: facts } };
        const ehlo = await session.ehlo(ctx.options.helo);
        facts.offered = ehlo.facts.starttls;
        if (!facts.offered) {
          findings.push({ outcome: 'tls.starttls-missing', evidence: evidence({ ehlo: ehlo.reply.lines }) });
          mtaStsRequirement(ctx, findings, ['STARTTLS is not offered'], evidence());
          return done();
        }
        try {
          const reply = await session.startTls();
          if (reply.code !== 220) return handshakeFailed(`STARTTLS refused: ${replyText(reply)}`);
        } catch (err) {
          if (err instanceof SmtpError && err.kind === 'tls') return handshakeFailed(err.message);
          throw err;
        }
      }
    } finally {
      await session.quit();
    }

    const info = session.tls!;
    facts.protocol = info.protocol;
    facts.cipher = info.cipher;
    const chain = info.peerCertificate ? presentedChain(info.peerCertificate) : [];
    if (!chain.length) {
      facts.trusted = false;
      findings.push({ outcome: 'tls.cert-untrusted', detail: 'The server presented no certificate.', evidence: evidence() });
      mtaStsRequirement(ctx, findings, ['no certificate'], evidence());
      return done();
    }
    const mxNames = mxNamesOf(ctx);
    const names = [...new Set([...(net.isIP(ctx.target.host) ? [] : [ctx.target.host]), ...mxNames])];
    const seen = inspectChain({ chain, anchors: trustAnchors(ctx.options.ca), names, now: new Date() });
    Object.assign(facts, {
      certificate: seen.certificate,
      chain: seen.chain,
      trusted: seen.verdict.trusted,
      // A bare address is no name anyone verifies: not judged unless the MX set names the host.
      hostnameMatch: names.length ? seen.uncovered.length === 0 : null,
    });
    const certEvidence = evidence({
      certificate: seen.certificate,
      chain: seen.chain,
      trustAnchor: seen.verdict.anchor,
      // node's own verdict (one error only), kept for comparison with ours.
      nodeVerifyError: info.authorizationError,
    });
    findings.push(...certificateFindings(seen, certEvidence));
    // Senders match the certificate against the MX name they looked up.
    const stsNames = mxNames.length ? mxNames : names;
    mtaStsRequirement(ctx, findings, stsProblems(seen, seen.uncovered.filter((n) => stsNames.includes(n))), certEvidence);
    return done();
  },
});

function certificateFindings(seen: Inspection, evidence: Record<string, unknown>): RaisedFinding<O>[] {
  const out: RaisedFinding<O>[] = [];
  const raise = (outcome: O, detail: string, severity?: Severity) => out.push({ outcome, detail, evidence, ...(severity ? { severity } : {}) });
  const { verdict, certificate } = seen;
  if (!verdict.trusted) {
    if (certificate.selfSigned) raise('tls.cert-self-signed', `Subject: ${certificate.subject}.`);
    else if (verdict.incomplete) raise('tls.cert-incomplete-chain', `The chain sent ends at ${seen.chain.at(-1)!.subject}, whose issuer (${verdict.missingIssuer}) was not sent and is not a trusted root; if that issuer is not a public intermediate, the certificate is also untrusted.`);
    else raise('tls.cert-untrusted', `Chain: ${seen.chain.map((c) => c.subject).join(' <- ')}.`);
  }
  for (const c of seen.expired) raise('tls.cert-expired', `${c.subject} expired on ${c.notAfter}.`);
  for (const c of seen.notYetValid) raise('tls.cert-not-yet-valid', `${c.subject} is valid only from ${c.notBefore}.`);
  if (seen.expiring && seen.expiring.days < EXPIRY_LOW_DAYS) {
    const { certificate: c, days } = seen.expiring;
    raise('tls.cert-expiring-soon', `${c.subject} expires on ${c.notAfter}, in ${days} days.`, days < EXPIRY_MEDIUM_DAYS ? 'medium' : 'low');
  }
  if (seen.uncovered.length) raise('tls.cert-hostname-mismatch', `Not valid for ${seen.uncovered.join(', ')}; the certificate names ${certNames(certificate)}.`);
  for (const c of seen.weakKeys) raise('tls.weak-key', `${c.subject}: ${c.keyType} ${c.keyBits} bits.`);
  for (const c of seen.weakSignatures) raise('tls.weak-signature', `${c.subject}: ${c.signatureAlgorithm}.`);
  return out;
}

const certNames = (c: CertificateFacts) => (c.sans.length ? c.sans.join(', ') : `no subjectAltName (subject ${c.subject})`);

/** The MX names under which the domain's senders reach this address. */
function mxNamesOf(ctx: ProbeContext): string[] {
  const mx = ctx.domainFacts.mx as MxSet | undefined;
  if (!Array.isArray(mx?.hosts)) return [];
  return mx.hosts.filter((h) => h.exchange === ctx.target.host.toLowerCase() || h.addresses.includes(ctx.target.address)).map((h) => h.exchange);
}

function stsProblems(seen: Inspection, uncovered: string[]): string[] {
  return [
    ...(seen.verdict.trusted ? [] : ['not issued by a trusted CA']),
    ...(seen.expired.length ? ['expired'] : []),
    ...(seen.notYetValid.length ? ['not yet valid'] : []),
    ...(uncovered.length ? [`not valid for ${uncovered.join(', ')}`] : []),
  ];
}

/** RFC 8461 section 4.2: under an enforced policy, senders deliver only to an MX with a valid certificate. */
function mtaStsRequirement(ctx: ProbeContext, findings: RaisedFinding<O>[], problems: string[], evidence: Record<string, unknown>): void {
  const sts = ctx.domainFacts.mtaSts as MtaStsFacts | undefined;
  if (sts?.mode !== 'enforce' || SUBMISSION_PORTS.includes(ctx.target.port) || !problems.length) return;
  findings.push({ outcome: 'tls.mtasts-cert-invalid', detail: `Fails: ${problems.join('; ')}.`, evidence: { ...evidence, mtaStsMode: sts.mode } });
}
