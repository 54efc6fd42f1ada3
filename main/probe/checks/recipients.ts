// Recipient handling: is an unknown recipient refused at RCPT, are postmaster and the null
// sender accepted as the RFCs require, and do VRFY/EXPN tell who exists?
import { isPermFail, isPositive, replyText, type SmtpReply } from '../../net/smtp-reply.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { mailFrom, openSession, reasonOf, type OpenedSession } from '../smtp-steps.js';

type O =
  | 'smtp.accepts-unknown-recipients'
  | 'smtp.postmaster-rejected'
  | 'smtp.null-sender-rejected'
  | 'smtp.vrfy-enabled'
  | 'smtp.expn-enabled';

export default defineCheck<O>({
  id: 'recipients',
  title: 'Recipient validation, postmaster, null sender, VRFY and EXPN',
  category: 'smtp',
  active: true,
  timeoutMs: 45_000,
  references: ['RFC 5321 sections 3.5, 4.5.1 and 4.5.5'],
  outcomes: {
    'smtp.accepts-unknown-recipients': {
      severity: 'medium',
      title: 'Unknown recipients accepted at RCPT',
      description:
        'The server accepts mail for recipients that do not exist and must bounce it later: a source of backscatter to forged senders, and a cheap way to load the server with non-delivery reports (NDR attacks).',
      remediation:
        'Validate recipients at the SMTP stage and reply 550 5.1.1 at RCPT (Exchange: recipient lookup; Postfix: local_recipient_maps / relay_recipient_maps).',
    },
    'smtp.postmaster-rejected': {
      severity: 'low',
      title: 'postmaster address refused',
      description: 'RFC 5321 requires every domain that accepts mail to accept mail for postmaster; the server refused it.',
      remediation: 'Accept postmaster@ for every domain you receive mail for and route it to a monitored mailbox.',
    },
    'smtp.null-sender-rejected': {
      severity: 'low',
      title: 'Null sender refused',
      description: 'The server refused MAIL FROM:<>, which delivery status notifications must use; bounces to your users are lost.',
      remediation: 'Accept the null reverse-path (limit it to one recipient if you wish).',
    },
    'smtp.vrfy-enabled': {
      severity: 'medium',
      title: 'VRFY discloses which mailboxes exist',
      description: 'VRFY answers differently for existing and unknown users, which lets anyone enumerate valid addresses without sending mail.',
      remediation: 'Disable VRFY or answer 252 to every request (Postfix: disable_vrfy_command = yes).',
    },
    'smtp.expn-enabled': {
      severity: 'medium',
      title: 'EXPN discloses mailing list members',
      description: 'EXPN answers differently for existing and unknown names, disclosing addresses and list membership.',
      remediation: 'Disable EXPN on internet-facing servers.',
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain;
    if (!domain) return { notApplicable: 'no domain known: give --domain to test recipient handling' };
    const unknown = `${ctx.randomToken(12)}@${domain}`;
    const known = ctx.options.validRcpt[0] ?? `postmaster@${domain}`;

    let opened: OpenedSession;
    try {
      opened = await openSession(ctx);
    } catch (err) {
      return { inconclusive: reasonOf(err) };
    }
    let nullSender: SmtpReply | null = null;
    let unknownRcpt: SmtpReply | null = null;
    let postmaster: SmtpReply | null = null;
    let vrfy: { known: SmtpReply; unknown: SmtpReply } | null = null;
    let expn: { known: SmtpReply; unknown: SmtpReply } | null = null;
    let problem: string | null = null;
    try {
      const mail = await mailFrom(ctx, opened, '');
      opened = mail.opened;
      nullSender = mail.reply;
      if (!isPositive(nullSender)) {
        // A server refusing <> is itself a finding; carry on with an ordinary sender.
        await opened.session.command('RSET');
        const retry = await mailFrom(ctx, opened, ctx.options.mailFrom);
        if (!isPositive(retry.reply)) throw new Error(`every sender refused: ${replyText(retry.reply)}`);
      }
      unknownRcpt = await opened.session.command(`RCPT TO:<${unknown}>`);
      await opened.session.command('RSET');
      const again = await mailFrom(ctx, opened, isPositive(nullSender) ? '' : ctx.options.mailFrom);
      if (isPositive(again.reply)) postmaster = await opened.session.command(`RCPT TO:<postmaster@${domain}>`);
      await opened.session.command('RSET');
      vrfy = { known: await opened.session.command(`VRFY ${known}`), unknown: await opened.session.command(`VRFY ${unknown}`) };
      expn = { known: await opened.session.command(`EXPN ${known}`), unknown: await opened.session.command(`EXPN ${unknown}`) };
    } catch (err) {
      problem = reasonOf(err);
    }
    await opened.session.quit();

    const transcript = ctx.transcript.lines();
    const findings: RaisedFinding<O>[] = [];
    const raise = (outcome: O, detail: string) => findings.push({ outcome, detail, evidence: { transcript } });
    if (nullSender && isPermFail(nullSender)) raise('smtp.null-sender-rejected', `MAIL FROM:<> got ${replyText(nullSender)}.`);
    if (unknownRcpt && isPositive(unknownRcpt)) raise('smtp.accepts-unknown-recipients', `RCPT TO:<${unknown}> got ${replyText(unknownRcpt)}.`);
    if (postmaster && isPermFail(postmaster)) raise('smtp.postmaster-rejected', `RCPT TO:<postmaster@${domain}> got ${replyText(postmaster)}.`);
    if (vrfy && discloses(vrfy)) raise('smtp.vrfy-enabled', `VRFY ${known}: ${replyText(vrfy.known)}; VRFY ${unknown}: ${replyText(vrfy.unknown)}.`);
    if (expn && discloses(expn)) raise('smtp.expn-enabled', `EXPN ${known}: ${replyText(expn.known)}; EXPN ${unknown}: ${replyText(expn.unknown)}.`);

    const facts = {
      recipients: {
        unknownReply: unknownRcpt ? replyText(unknownRcpt) : null,
        acceptAll: unknownRcpt ? (isPositive(unknownRcpt) ? true : isPermFail(unknownRcpt) ? false : null) : null,
        postmasterReply: postmaster ? replyText(postmaster) : null,
        nullSenderReply: nullSender ? replyText(nullSender) : null,
        vrfy: vrfy ? replyText(vrfy.known) : null,
        expn: expn ? replyText(expn.known) : null,
        unknownDelayMs: unknownRcpt ? Math.round(unknownRcpt.elapsedMs) : null,
      },
    };
    if (!unknownRcpt) return { findings, facts, inconclusive: problem ?? 'no RCPT reply' };
    return { findings, facts };
  },
});

/**
 * A VRFY/EXPN answer discloses when it tells a known name from an unknown one
 * (2xx vs 5xx). 252 for everyone ("cannot verify, will try") discloses nothing.
 */
export function discloses({ known, unknown }: { known: SmtpReply; unknown: SmtpReply }): boolean {
  const says = (r: SmtpReply) => (r.code === 250 || r.code === 251 || r.code === 252 ? 'yes' : r.code === 550 || r.code === 551 || r.code === 553 ? 'no' : 'n/a');
  return says(known) === 'yes' && says(unknown) === 'no';
}

