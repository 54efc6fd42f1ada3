// Conversation steps shared by the SMTP checks: open a session the way a remote MTA would,
// and get a MAIL transaction going even when the server demands STARTTLS first.
import { SmtpError, type EhloResult, type SmtpSession } from '../net/smtp-client.js';
import { replyText, type SmtpReply } from '../net/smtp-reply.js';
import type { ProbeContext } from './context.js';
import type { CheckResult } from './define-check.js';

export interface OpenedSession {
  session: SmtpSession;
  ehlo: EhloResult;
}

/** Thrown when the server will not talk to us at all; checks turn it into "inconclusive". */
export class SessionRefused extends Error {}

export async function openSession(ctx: ProbeContext, overrides?: Parameters<ProbeContext['connect']>[0]): Promise<OpenedSession> {
  const session = await ctx.connect(overrides);
  if (session.greeting.code !== 220) {
    session.close();
    throw new SessionRefused(`server refused the session: ${replyText(session.greeting)}`);
  }
  const ehlo = await session.ehlo(ctx.options.helo);
  return { session, ehlo };
}

/**
 * Opens a session, runs `body`, and always ends the session. A server that will not talk makes
 * the check inconclusive; errors inside `body` propagate to the engine, which reports them.
 */
export async function withSession<O extends string>(ctx: ProbeContext, body: (opened: OpenedSession) => Promise<CheckResult<O>>): Promise<CheckResult<O>> {
  let opened: OpenedSession;
  try {
    opened = await openSession(ctx);
  } catch (err) {
    return { inconclusive: reasonOf(err) };
  }
  try {
    return await body(opened);
  } finally {
    await opened.session.quit();
  }
}

/** STARTTLS then EHLO again, as RFC 3207 requires. Throws when TLS cannot be set up. */
export async function upgrade(ctx: ProbeContext, opened: OpenedSession): Promise<OpenedSession> {
  const reply = await opened.session.startTls();
  if (reply.code !== 220) throw new SmtpError('tls', `STARTTLS refused: ${replyText(reply)}`, reply);
  const ehlo = await opened.session.ehlo(ctx.options.helo);
  return { session: opened.session, ehlo };
}

/** 530 (and 5.7.0/5.7.10/5.7.11 variants) means "use STARTTLS first". */
export const demandsTls = (r: SmtpReply) => r.code === 530 || (r.code >= 500 && /STARTTLS/i.test(r.lines.join(' ')));

/**
 * MAIL FROM, upgrading to TLS and retrying when the server demands it (nmap stops there; a
 * real sender upgrades, so a relay that only opens after STARTTLS is still found).
 */
export async function mailFrom(ctx: ProbeContext, opened: OpenedSession, from: string, params = ''): Promise<{ opened: OpenedSession; reply: SmtpReply }> {
  const cmd = `MAIL FROM:<${from}>${params ? ` ${params}` : ''}`;
  let reply = await opened.session.command(cmd);
  if (demandsTls(reply) && opened.ehlo.facts.starttls && !opened.session.secure) {
    ctx.progress('server demands STARTTLS; upgrading');
    opened = await upgrade(ctx, opened);
    reply = await opened.session.command(cmd);
  }
  return { opened, reply };
}

/** Bracketed IPv4/IPv6 literal for an address (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). */
export function addressLiteral(address: string): string {
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

/** Human reason from anything a check may throw. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
