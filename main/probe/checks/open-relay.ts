// Will the server relay mail from a stranger to a stranger? Stops at the RCPT reply: no DATA,
// except one marked message to the user's own canary address when they give one.
import { isPositive, isTempFail, replyText, type SmtpReply } from '../../net/smtp-reply.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';
import type { ProbeContext } from '../context.js';
import { relayPairs, type RelayPair } from '../relay-pairs.js';
import { addressLiteral, mailFrom, openSession, reasonOf, type OpenedSession } from '../smtp-steps.js';

/** Transactions per connection: below Postfix's smtpd_soft_error_limit (10), so no error sleep slows us. */
const PAIRS_PER_CONNECTION = 8;
/** Consecutive 4xx replies after which we back off instead of insisting. */
const TEMPFAIL_BACKOFF = 3;

interface Attempt {
  pair: RelayPair;
  stage: 'mail' | 'rcpt';
  reply: string;
  accepted: boolean;
  tempFail: boolean;
}

type O = 'smtp.open-relay' | 'smtp.spoofed-local-sender';

export default defineCheck<O>({
  id: 'open-relay',
  title: 'Open relay and own-domain spoofing',
  category: 'smtp',
  active: true,
  timeoutMs: 60_000,
  references: ['RFC 5321 section 3.6', 'RFC 2505', 'nmap smtp-open-relay'],
  outcomes: {
    'smtp.open-relay': {
      severity: 'critical',
      title: 'Open relay: mail from outside to outside is accepted',
      description:
        'The server accepted a recipient in an external domain from an unauthenticated outside client. Spammers use such servers to send in your name; the server ends up on block lists.',
      remediation:
        'Relay only for authenticated users and your own networks (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination; Exchange: remove anonymous relay permission).',
    },
    'smtp.spoofed-local-sender': {
      severity: 'medium',
      title: 'Own domain accepted as sender from an outside client',
      description:
        'An unauthenticated client outside your network could send mail to a local recipient claiming to come from your own domain: the basis of internal phishing.',
      remediation:
        'Publish SPF for the domain and reject SPF failures of your own domain at the gateway, or tag such mail visibly (subject or header) for the users.',
      references: ['RFC 7208'],
    },
  },
  async run(ctx) {
    const srvname = await serverName(ctx);
    const pairs = relayPairs({
      domain: ctx.options.relayDomain,
      srvname,
      ipLiteral: addressLiteral(ctx.target.address),
      ownDomain: ctx.target.domain,
    });
    const attempts: Attempt[] = [];
    let viaTls = false;
    let stopped: string | null = null;
    for (let i = 0; i < pairs.length && !stopped; i += PAIRS_PER_CONNECTION) {
      ctx.progress(`relay attempts ${i + 1}-${Math.min(i + PAIRS_PER_CONNECTION, pairs.length)} of ${pairs.length}`);
      const batch = await tryPairs(ctx, pairs.slice(i, i + PAIRS_PER_CONNECTION));
      attempts.push(...batch.attempts);
      viaTls ||= batch.viaTls;
      stopped = batch.stopped;
    }
    const relayed = attempts.filter((a) => a.accepted && a.pair.external);
    const completed = attempts.filter((a) => !a.tempFail);

    let spoofAccepted: boolean | null = null;
    let spoofReply: string | null = null;
    if (ctx.target.domain && !stopped) {
      const rcpt = ctx.options.validRcpt[0] ?? `postmaster@${ctx.target.domain}`;
      const spoof = await tryPairs(ctx, [{ from: `mxaudit-spoof-test@${ctx.target.domain}`, to: rcpt, external: false, label: 'local spoof' }]);
      const a = spoof.attempts[0];
      if (a && !a.tempFail) {
        spoofAccepted = a.accepted;
        spoofReply = a.reply;
      }
    }

    let canary = null;
    if (relayed.length && ctx.options.relayCanary) canary = await sendCanary(ctx, ctx.options.relayCanary);

    const transcript = ctx.transcript.lines();
    const findings: RaisedFinding<O>[] = [];
    const accepted = attempts.filter((a) => a.accepted).map((a) => ({ from: a.pair.from, to: a.pair.to, reply: a.reply }));
    if (relayed.length) {
      const staged = canary ? (canary.accepted ? ' The canary message was accepted after DATA.' : ` The canary message was refused after DATA (${canary.dataReply}): the server may accept and then discard.`) : ' Verdict staged at RCPT (no DATA sent).';
      findings.push({
        outcome: 'smtp.open-relay',
        detail: `${relayed.length} of ${attempts.filter((a) => a.pair.external).length} external envelopes accepted${viaTls ? ' after STARTTLS' : ''}: ${envelopeList(relayed.map((a) => a.pair))}.${staged}`,
        evidence: { transcript, accepted: relayed.map((a) => ({ from: a.pair.from, to: a.pair.to, reply: a.reply, label: a.pair.label })) },
      });
    }
    if (spoofAccepted) {
      findings.push({
        outcome: 'smtp.spoofed-local-sender',
        detail: `MAIL FROM <mxaudit-spoof-test@${ctx.target.domain}> was accepted for a local recipient: ${spoofReply}.`,
        evidence: { transcript },
      });
    }
    const facts = {
      relay: {
        open: relayed.length > 0,
        tested: completed.length,
        accepted,
        tempFailed: attempts.length - completed.length,
        viaTls,
        canary,
        spoofedLocalSenderAccepted: spoofAccepted,
      },
    };
    if (!relayed.length && (stopped || completed.filter((a) => a.pair.external).length === 0)) {
      return { facts, inconclusive: stopped ?? 'no relay attempt got a definite answer' };
    }
    return { findings, facts };
  },
});

/** First word of the greeting after the code (nmap's SRVNAME). */
async function serverName(ctx: ProbeContext): Promise<string> {
  const session = await ctx.connect();
  const name = session.greeting.lines[0]?.split(/\s+/)[0] || ctx.target.host;
  await session.quit();
  // A hostile greeting must not smuggle anything into our own commands.
  return /^[A-Za-z0-9.-]{1,253}$/.test(name) ? name : ctx.target.host;
}

async function tryPairs(ctx: ProbeContext, pairs: RelayPair[]): Promise<{ attempts: Attempt[]; viaTls: boolean; stopped: string | null }> {
  const attempts: Attempt[] = [];
  let opened: OpenedSession;
  try {
    opened = await openSession(ctx);
  } catch (err) {
    return { attempts, viaTls: false, stopped: reasonOf(err) };
  }
  let stopped: string | null = null;
  let tempRun = 0;
  const record = (pair: RelayPair, stage: Attempt['stage'], reply: SmtpReply) => {
    const tempFail = isTempFail(reply);
    tempRun = tempFail ? tempRun + 1 : 0;
    attempts.push({ pair, stage, reply: replyText(reply), accepted: stage === 'rcpt' && isPositive(reply), tempFail });
  };
  try {
    for (const pair of pairs) {
      const mail = await mailFrom(ctx, opened, pair.from);
      opened = mail.opened;
      if (!isPositive(mail.reply)) record(pair, 'mail', mail.reply);
      else record(pair, 'rcpt', await opened.session.command(`RCPT TO:<${pair.to}>`));
      if (opened.session.closedReason) {
        stopped = `backed off: ${opened.session.closedReason}`;
        break;
      }
      if (tempRun >= TEMPFAIL_BACKOFF) {
        stopped = `backed off after ${tempRun} temporary failures (4xx); retry later`;
        break;
      }
      await opened.session.command('RSET');
    }
  } catch (err) {
    stopped = reasonOf(err);
  }
  await opened.session.quit();
  return { attempts, viaTls: opened.session.secure, stopped };
}

async function sendCanary(ctx: ProbeContext, to: string): Promise<{ to: string; dataReply: string; accepted: boolean }> {
  ctx.progress(`sending one marked canary message to ${to}`);
  const opened = await openSession(ctx);
  try {
    const mail = await mailFrom(ctx, opened, ctx.options.mailFrom);
    const rcpt = isPositive(mail.reply) ? await mail.opened.session.command(`RCPT TO:<${to}>`) : mail.reply;
    if (!isPositive(rcpt)) return { to, dataReply: replyText(rcpt), accepted: false };
    const id = ctx.randomToken(16);
    const message = [
      `From: mxaudit relay test <${ctx.options.mailFrom}>`,
      `To: <${to}>`,
      `Subject: mxaudit open relay canary ${id}`,
      `X-Mxaudit-Canary: ${id}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${id}@mxaudit.invalid>`,
      '',
      `This message was relayed by ${ctx.target.host} (${ctx.target.address}) during an authorized mxaudit assessment.`,
    ].join('\r\n');
    const data = await mail.opened.session.data(message);
    return { to, dataReply: replyText(data), accepted: isPositive(data) };
  } finally {
    await opened.session.quit();
  }
}

/** Envelopes named in the finding's text: the first few; every accepted one is in its evidence. */
const ENVELOPES_NAMED = 3;

function envelopeList(pairs: { from: string; to: string }[]): string {
  const named = pairs.slice(0, ENVELOPES_NAMED).map((p) => `<${p.from}> -> <${p.to}>`).join(', ');
  const more = pairs.length - ENVELOPES_NAMED;
  return more > 0 ? `${named} and ${more} more (all listed in the evidence)` : named;
}
