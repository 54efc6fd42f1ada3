// The SMTP steps the attacks share: connect (optionally presenting an outside address with
// XCLIENT), EHLO, then a transaction that stops at the first refusal and says where.
import { SmtpError, SmtpSession, type EhloResult } from '../net/smtp-client.js';
import { replyText, type SmtpReply } from '../net/smtp-reply.js';
import type { AttackContext, AttackObservation, AttackStage } from './define-attack.js';

export const HELO_NAME = 'attacker.example';

export interface Opened {
  session: SmtpSession;
  ehlo: EhloResult;
}

const observed = (stage: AttackStage, r: SmtpReply): AttackObservation => ({ stage, reply: replyText(r), code: r.code, stopped: r.code >= 400 });

/** Connects, EHLO, XCLIENT ADDR=source when asked; an observation when that already failed. */
export async function open(ctx: AttackContext, source: string | undefined): Promise<Opened | AttackObservation> {
  const session = await SmtpSession.connect({ host: ctx.host, port: ctx.port, transcript: ctx.transcript, now: ctx.now, signal: ctx.signal, timeouts: ctx.timeouts });
  if (session.greeting.code !== 220) {
    session.close();
    return observed('banner', session.greeting);
  }
  let ehlo = await session.ehlo(HELO_NAME);
  if (source && ctx.xclient) {
    if (!ehlo.facts.extensions.some((e) => e.toUpperCase().startsWith('XCLIENT'))) {
      await session.quit();
      throw new Error('the server does not offer XCLIENT to us: run without --xclient, or allow this client as an XCLIENT peer');
    }
    const x = await session.command(`XCLIENT ADDR=${source} NAME=[UNAVAILABLE]`);
    if (x.code !== 220) {
      await session.quit();
      return observed('ehlo', x);
    }
    ehlo = await session.ehlo(HELO_NAME);
  }
  return { session, ehlo };
}

export interface Transaction {
  source?: string;
  from: string;
  mailParams?: string;
  rcpts: string[];
  /** Sent when every recipient was accepted; no DATA without it. */
  message?: string;
}

/** One transaction: the first refusal (and its stage) or the final acceptance. */
export async function transaction(ctx: AttackContext, t: Transaction): Promise<AttackObservation> {
  const o = await open(ctx, t.source);
  if (!('session' in o)) return o;
  const { session } = o;
  try {
    return await steps(session, t);
  } catch (err) {
    return failure(err, 'data');
  } finally {
    await session.quit();
  }
}

async function steps(session: SmtpSession, t: Transaction): Promise<AttackObservation> {
  const mail = await session.command(`MAIL FROM:<${t.from}>${t.mailParams ? ` ${t.mailParams}` : ''}`);
  if (mail.code >= 400) return observed('mail', mail);
  let last = mail;
  for (const rcpt of t.rcpts) {
    last = await session.command(`RCPT TO:<${rcpt}>`);
    if (last.code >= 400) return observed('rcpt', last);
  }
  if (t.message === undefined) return { ...observed('rcpt', last), note: 'no message sent' };
  return observed('data', await session.data(t.message));
}

/** A dropped connection or a timeout is an observation too: the server cut us off. */
export function failure(err: unknown, stage: AttackStage): AttackObservation {
  if (err instanceof SmtpError) {
    const r = err.reply;
    if (r) return observed(stage, r);
    return { stage, reply: `(${err.kind}: ${err.message})`, code: null, stopped: err.kind === 'closed' || err.kind === 'server-closing' };
  }
  throw err;
}

/** A plain, well-formed message, so content filters judge only what the attack adds. */
export function message(o: { from: string; to: string; subject: string; body?: string; attachments?: { name: string; type: string; content: Buffer }[] }): string {
  const head = [
    `From: <${o.from}>`,
    `To: <${o.to}>`,
    `Subject: ${o.subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@${HELO_NAME}>`,
    'MIME-Version: 1.0',
  ];
  const body = o.body ?? 'Hello,\r\n\r\nplease find the document attached.\r\n\r\nRegards\r\n';
  if (!o.attachments?.length) return [...head, 'Content-Type: text/plain; charset=us-ascii', '', body].join('\r\n');
  const b = `mxaudit-${Math.random().toString(36).slice(2)}`;
  const parts = [`--${b}`, 'Content-Type: text/plain; charset=us-ascii', '', body];
  for (const a of o.attachments) {
    parts.push(`--${b}`, `Content-Type: ${a.type}; name="${a.name}"`, `Content-Disposition: attachment; filename="${a.name}"`, 'Content-Transfer-Encoding: base64', '', a.content.toString('base64').replace(/.{76}/g, '$&\r\n'));
  }
  parts.push(`--${b}--`, '');
  return [...head, `Content-Type: multipart/mixed; boundary="${b}"`, '', ...parts].join('\r\n');
}
