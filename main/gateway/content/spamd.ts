// SpamAssassin's spamd over TCP, the spamc protocol (SPAMC/1.5): "SYMBOLS", a Content-length
// header, the message, then one reply "SPAMD/1.1 0 EX_OK", a "Spam: True ; 15.3 / 5.0" header
// and the names of the rules that hit. Bounded: the message size sent (spamc's own default
// refuses to send over 500 KB), the reply size, and the time the whole exchange may take.
import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { pipeline } from 'node:stream/promises';

export interface EngineScore {
  engine: 'spamd' | 'rspamd';
  score: number;
  /** The engine's own spam threshold (SpamAssassin's required_score, rspamd's reject score). */
  required: number;
  /** Rule names that hit, as the engine names them (bounded). */
  rules: string[];
}

export interface SpamdTarget {
  host: string;
  port: number;
  timeoutMs: number;
  /** spamc's User header: whose preferences spamd applies. */
  user?: string;
}

const MAX_REPLY_BYTES = 64 * 1024;
const MAX_RULES = 100;

export class EngineError extends Error {}

export async function spamdCheck(path: string, size: number, target: SpamdTarget): Promise<EngineScore> {
  const signal = AbortSignal.timeout(target.timeoutMs);
  const socket = connect({ host: target.host, port: target.port });
  const head = [`SYMBOLS SPAMC/1.5`, `Content-length: ${size}`, ...(target.user ? [`User: ${target.user.replace(/[^\x21-\x7e]/g, '')}`] : []), '', ''].join('\r\n');
  async function* request() {
    yield Buffer.from(head);
    yield* createReadStream(path) as AsyncIterable<Buffer>;
  }
  const reply = new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    socket.on('data', (d: Buffer) => {
      length += d.length;
      if (length > MAX_REPLY_BYTES) return reject(new EngineError('spamd reply too long'));
      chunks.push(d);
    });
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (err) => reject(new EngineError(`spamd: ${err.message}`)));
    signal.addEventListener('abort', () => reject(new EngineError(`spamd did not answer within ${target.timeoutMs} ms`)), { once: true });
  });
  try {
    // spamd answers after reading Content-length bytes; our side of the socket stays open until then.
    const sent = pipeline(request, socket, { end: false, signal }).catch(() => {});
    const text = await reply;
    await sent;
    return parseSpamdReply(text);
  } finally {
    socket.destroy();
  }
}

export function parseSpamdReply(text: string): EngineScore {
  const [head, body = ''] = text.split(/\r?\n\r?\n/, 2);
  const lines = head.split(/\r?\n/);
  const status = /^SPAMD\/\d+\.\d+ (\d+) (.*)$/.exec(lines[0] ?? '');
  if (!status) throw new EngineError(text ? `spamd: unexpected reply "${lines[0].replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}"` : 'spamd closed the connection without a reply');
  if (status[1] !== '0') throw new EngineError(`spamd: ${status[1]} ${status[2].replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}`);
  const spam = lines.map((l) => /^Spam: *(True|False|Yes|No) *; *(-?\d+(?:\.\d+)?) *\/ *(-?\d+(?:\.\d+)?)/i.exec(l)).find(Boolean);
  if (!spam) throw new EngineError('spamd: no Spam header in the reply');
  const rules = body
    .trim()
    .split(',')
    .map((r) => r.trim())
    .filter((r) => /^[A-Za-z0-9_]{1,64}$/.test(r))
    .slice(0, MAX_RULES);
  return { engine: 'spamd', score: Number(spam[2]), required: Number(spam[3]), rules };
}
