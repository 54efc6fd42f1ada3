// One connection, one bounded handshake: greeting, EHLO, STARTTLS (or implicit TLS), then QUIT.
// Tells a refused handshake (the answer we want) apart from a server that stopped talking to
// us (rate limit, 421, connection refused), after which no further connection should be made.
import { SmtpError, type SmtpSession } from '../../net/smtp-client.js';
import { replyText } from '../../net/smtp-reply.js';

export type HandshakeAttempt =
  | { result: 'accepted'; protocol: string | null; cipher: string | null }
  | { result: 'refused'; reason: string }
  | { result: 'no-starttls' }
  | { result: 'stopped'; reason: string };

/** `open` connects with the handshake already narrowed (ctx.connect({ tls })). */
export async function attemptHandshake(open: () => Promise<SmtpSession>, helo: string): Promise<HandshakeAttempt> {
  let session: SmtpSession;
  try {
    session = await open();
  } catch (err) {
    return failed(err); // implicit TLS (465) handshakes inside connect
  }
  try {
    if (session.greeting.code !== 220) return { result: 'stopped', reason: `server refused the session: ${replyText(session.greeting)}` };
    if (!session.secure) {
      const { facts } = await session.ehlo(helo);
      if (!facts.starttls) return { result: 'no-starttls' };
      const reply = await session.startTls();
      if (reply.code !== 220) return { result: 'stopped', reason: `STARTTLS refused: ${replyText(reply)}` };
    }
    return { result: 'accepted', protocol: session.tls?.protocol ?? null, cipher: session.tls?.cipher ?? null };
  } catch (err) {
    return failed(err);
  } finally {
    await session.quit();
  }
}

function failed(err: unknown): HandshakeAttempt {
  if (!(err instanceof SmtpError) || err.kind === 'aborted') throw err;
  if (err.kind === 'tls') return { result: 'refused', reason: err.message };
  return { result: 'stopped', reason: err.message };
}
