// Recipient handling: is an unknown recipient refused at RCPT, are postmaster and the null
// sender accepted as the RFCs require, and do VRFY/EXPN tell who exists?
import { isPermFail, isPositive, isTempFail, replyText, type SmtpReply } from '../../net/smtp-reply.js';
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
      // Postfix and others defer sender refusals to RCPT (smtpd_delay_reject), so the null
      // sender is judged by what happens to postmaster with <> compared with an ordinary sender.
      const transaction = async (from: string, to: string) => {
        const mail = await mailFrom(ctx, opened, from);
        opened = mail.opened;
        const rcpt = isPositive(mail.reply) ? await opened.session.command(`RCPT TO:<${to}>`) : null;
        await opened.session.command('RSET');
        return { mail: mail.reply, rcpt };
      };
      const withNull = await transaction('', `postmaster@${domain}`);
      const withSender = await transaction(ctx.options.mailFrom, `postmaster@${domain}`);
      const nullRefused = senderRefused(withNull) || (isPermFail(withNull.rcpt) && isPositive(withSender.rcpt));
      nullSender = nullRefused && withNull.rcpt ? withNull.rcpt : withNull.mail;
      // Recipient verdicts are read with a sender the server accepts, or they would say nothing.
      const sender = nullRefused && !senderRefused(withSender) ? ctx.options.mailFrom : '';
      const pm = sender === '' ? withNull : withSender;
      postmaster = senderRefused(pm) ? null : pm.rcpt;
      const unknownT = await transaction(sender, unknown);
      if (senderRefused(unknownT)) throw new Error(`every sender we tried was refused: ${replyText(unknownT.rcpt ?? unknownT.mail)}`);
      unknownRcpt = unknownT.rcpt;
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
    // Greylisting or a failing directory lookup: come back later rather than guess.
    if (isTempFail(unknownRcpt)) return { findings, facts, inconclusive: `temporary failure for an unknown recipient: ${replyText(unknownRcpt)}` };
    return { findings, facts };
  },
});

/** Refused because of the sender: at MAIL, or at RCPT with a reply that blames the sender (smtpd_delay_reject). */
function senderRefused(t: { mail: SmtpReply; rcpt: SmtpReply | null }): boolean {
  if (!isPositive(t.mail)) return true;
  if (!t.rcpt || !isPermFail(t.rcpt)) return false;
  const text = replyText(t.rcpt);
  return /sender/i.test(text) && !/recipient/i.test(text);
}

/**
 * A VRFY/EXPN answer discloses when it tells a known name from an unknown one
 * (2xx vs 5xx). 252 for everyone ("cannot verify, will try") discloses nothing.
 */
export function discloses({ known, unknown }: { known: SmtpReply; unknown: SmtpReply }): boolean {
  const says = (r: SmtpReply) => (r.code === 250 || r.code === 251 || r.code === 252 ? 'yes' : r.code === 550 || r.code === 551 || r.code === 553 ? 'no' : 'n/a');
  return says(known) === 'yes' && says(unknown) === 'no';
}

