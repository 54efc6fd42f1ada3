// Submission (port 587): "when enabling SSL, do not permit non-SSL connections". A MAIL
// command before STARTTLS must be refused, so no client can submit (or authenticate) in clear.
// AUTH before STARTTLS on this port is reported by the ehlo check (smtp.auth-before-tls).
import { isPositive, replyText } from '../../net/smtp-reply.js';
import { defineCheck } from '../define-check.js';
import { withSession } from '../smtp-steps.js';

const SUBMISSION_PORT = 587;

type O = 'tls.submission-plaintext-allowed';

export default defineCheck<O>({
  id: 'submission',
  title: 'Submission port refuses mail before STARTTLS',
  category: 'tls',
  active: true,
  timeoutMs: 30_000,
  references: ['RFC 8314 section 3.3', 'RFC 6409', 'RFC 3207 section 4'],
  outcomes: {
    'tls.submission-plaintext-allowed': {
      severity: 'high',
      title: 'Submission accepts mail without TLS',
      description:
        'The submission port accepted MAIL FROM before STARTTLS: clients can submit, and usually authenticate, over an unencrypted connection, exposing messages and passwords on the network.',
      remediation:
        'Require TLS on the submission service (Postfix master.cf submission: -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes), or offer implicit TLS on 465 only.',
    },
  },
  async run(ctx) {
    if (ctx.target.port !== SUBMISSION_PORT) return { notApplicable: `not a submission port (${SUBMISSION_PORT})` };
    return withSession<O>(ctx, async (opened) => {
      const mail = await opened.session.command(`MAIL FROM:<${ctx.options.mailFrom}>`);
      const facts = { submission: { starttlsOffered: opened.ehlo.facts.starttls, mailBeforeTls: replyText(mail), authBeforeTls: opened.ehlo.facts.auth } };
      if (!isPositive(mail)) return { facts };
      await opened.session.command('RSET');
      return {
        facts,
        findings: [{ outcome: 'tls.submission-plaintext-allowed', detail: `MAIL FROM before STARTTLS got ${replyText(mail)}.`, evidence: { transcript: ctx.transcript.lines() } }],
      };
    });
  },
});
