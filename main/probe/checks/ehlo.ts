// What the server tells every stranger: banner and EHLO, before and after STARTTLS.
import { replyText } from '../../net/smtp-reply.js';
import type { EhloFacts } from '../../../shared/assessment.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { openSession, upgrade, reasonOf } from '../smtp-steps.js';
import { productDisclosure } from '../banner-disclosure.js';

const CLEAR_TEXT_MECHS = ['PLAIN', 'LOGIN'];
const SUBMISSION_PORTS = [465, 587];

type O =
  | 'smtp.auth-before-tls'
  | 'smtp.auth-exposed'
  | 'smtp.size-not-advertised'
  | 'smtp.dsn-not-advertised'
  | 'smtp.banner-disclosure'
  | 'smtp.legacy-extensions';

export default defineCheck<O>({
  id: 'ehlo',
  title: 'Banner and EHLO capabilities, before and after STARTTLS',
  category: 'smtp',
  active: false,
  timeoutMs: 30_000,
  references: ['RFC 5321 section 4.1.1.1', 'RFC 3207'],
  outcomes: {
    'smtp.auth-before-tls': {
      severity: 'high',
      title: 'Clear-text AUTH offered before STARTTLS',
      description:
        'The server offers AUTH PLAIN or LOGIN on an unencrypted connection: credentials would cross the network in base64, which anyone on the path can decode.',
      remediation:
        'Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exchange: require TLS on the receive connector), or not at all on port 25.',
      references: ['RFC 4954 section 4', 'RFC 8314'],
    },
    'smtp.auth-exposed': {
      severity: 'medium',
      title: 'SMTP AUTH exposed on the MX port',
      description:
        'The MX offers SMTP authentication to the internet, which invites password guessing. Mail submission belongs on port 587/465; a gateway needs no AUTH on port 25.',
      remediation: 'Disable AUTH on the port 25 listener (Postfix: smtpd_sasl_auth_enable = no in the smtp service) and submit on 587 with TLS.',
      references: ['RFC 6409'],
    },
    'smtp.size-not-advertised': {
      severity: 'low',
      title: 'No message size limit advertised',
      description: 'EHLO shows no SIZE limit, so remote servers cannot know the limit and may transmit very large messages before being refused.',
      remediation: 'Set an explicit maximum message size and advertise it (Postfix: message_size_limit; Exchange: maximum message size on the SMTP virtual server).',
      references: ['RFC 1870'],
    },
    'smtp.dsn-not-advertised': {
      severity: 'info',
      title: 'DSN not advertised',
      description: 'The server does not advertise delivery status notifications (DSN), which senders use to control bounces.',
      remediation: 'Enable the DSN extension unless there is a reason not to.',
      references: ['RFC 3461'],
    },
    'smtp.banner-disclosure': {
      severity: 'low',
      title: 'Software product or version disclosed',
      description: 'The banner or EHLO greeting names the mail software or its version, which tells an attacker which exploits to try.',
      remediation: 'Use a neutral banner such as "<hostname> ESMTP" (Postfix: smtpd_banner = $myhostname ESMTP).',
    },
    'smtp.legacy-extensions': {
      severity: 'low',
      title: 'Legacy SMTP extensions offered',
      description: 'The server offers ETRN, TURN, XEXCH50 or X-LINK2STATE, legacy extensions with a history of abuse and vulnerabilities (e.g. MS05-021 for X-LINK2STATE).',
      remediation: 'Disable the legacy verbs on internet-facing listeners.',
      references: ['RFC 1985', 'MS05-021'],
    },
  },
  async run(ctx) {
    let opened;
    try {
      opened = await openSession(ctx);
    } catch (err) {
      return { inconclusive: reasonOf(err) };
    }
    const banner = opened.session.greeting.lines.join('\n');
    const before = opened.ehlo.facts;
    let after: EhloFacts | null = null;
    let tlsError: string | null = null;
    if (before.starttls) {
      try {
        const up = await upgrade(ctx, opened);
        after = up.ehlo.facts;
      } catch (err) {
        tlsError = reasonOf(err);
      }
    }
    await opened.session.quit();

    const transcript = ctx.transcript.lines();
    const findings: RaisedFinding<O>[] = [];
    const raise = (outcome: O, detail?: string, extra: Record<string, unknown> = {}) =>
      findings.push({ outcome, detail, evidence: { transcript, ...extra } });

    const clearMechs = before.auth.filter((m) => CLEAR_TEXT_MECHS.includes(m));
    if (clearMechs.length) raise('smtp.auth-before-tls', `Offered before TLS: ${clearMechs.join(', ')}.`, { authBeforeTls: before.auth });
    const anyAuth = [...new Set([...before.auth, ...(after?.auth ?? [])])];
    // AUTH belongs on the submission ports; anywhere else (25, or a test listener) it is exposure.
    if (!SUBMISSION_PORTS.includes(ctx.target.port) && anyAuth.length) {
      raise('smtp.auth-exposed', `Mechanisms: ${anyAuth.join(', ')}${after && !before.auth.length ? ' (after STARTTLS)' : ''}.`, { auth: anyAuth });
    }
    const size = after?.size ?? before.size;
    if (size === null || size === 0) raise('smtp.size-not-advertised', size === 0 ? 'SIZE is advertised without a limit.' : 'SIZE is not advertised.');
    if (!before.dsn && !after?.dsn) raise('smtp.dsn-not-advertised');
    const greetingLine = opened.ehlo.reply.lines[0] ?? '';
    const disclosed = productDisclosure(`${banner}\n${greetingLine}`);
    if (disclosed.length) raise('smtp.banner-disclosure', `Disclosed: ${disclosed.join(', ')}.`, { banner, ehloGreeting: greetingLine });
    const legacy = (['etrn', 'turn', 'xexch50', 'xlink2state'] as const).filter((k) => before[k] || after?.[k]);
    if (legacy.length) {
      const names = { etrn: 'ETRN', turn: 'TURN', xexch50: 'XEXCH50', xlink2state: 'X-LINK2STATE' };
      raise('smtp.legacy-extensions', `Offered: ${legacy.map((k) => names[k]).join(', ')}.`);
    }
    return {
      findings,
      // A failed upgrade leaves the after-TLS view unknown: say so rather than pass silently.
      inconclusive: tlsError ? `STARTTLS offered but the upgrade failed: ${tlsError}` : undefined,
      facts: {
        banner: replyText(opened.session.greeting),
        ehlo: before,
        ehloAfterTls: after,
      },
    };
  },
});
