// clamd INSTREAM client: "zINSTREAM\0", the message in chunks each prefixed by its length
// (4 bytes, big-endian), a zero-length chunk, then one reply "stream: OK" or
// "stream: <name> FOUND", NUL-terminated. The spool is streamed, never read whole.
import { createReadStream } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';

export type ClamdTarget = { socket: string } | { host: string; port: number };

/** clamd's default StreamMaxLength is 25 MB; chunks are far below any limit. */
const CHUNK_BYTES = 64 * 1024;
const MAX_REPLY_BYTES = 4096;

export class ClamdError extends Error {}

/** The virus name, or null when clamd says the stream is clean. */
export async function clamdScan(path: string, target: ClamdTarget, timeoutMs: number): Promise<string | null> {
  const signal = AbortSignal.timeout(timeoutMs);
  const socket = 'socket' in target ? connect({ path: target.socket }) : connect({ host: target.host, port: target.port });
  try {
    const [sent, reply] = await Promise.allSettled([pipeline(frames(path), socket, { end: false, signal }), readReply(socket, signal)]);
    // clamd may answer and close before taking everything (size limit): its reply wins.
    if (reply.status === 'rejected') throw sent.status === 'rejected' ? sent.reason : reply.reason;
    return parseReply(reply.value);
  } catch (err) {
    if (signal.aborted) throw new ClamdError(`clamd did not answer within ${timeoutMs} ms`);
    throw err instanceof ClamdError ? err : new ClamdError(`clamd: ${(err as Error).message}`);
  } finally {
    socket.destroy();
  }
}

async function* frames(path: string): AsyncGenerator<Buffer> {
  yield Buffer.from('zINSTREAM\0');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(chunk.length);
    yield Buffer.concat([length, chunk]);
  }
  yield Buffer.alloc(4);
}

function readReply(socket: Socket, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => (text ? resolve(text.replace(/\0[\s\S]*$/, '')) : reject(new ClamdError('clamd closed the connection without a reply')));
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\0')) {
        done();
        socket.destroy(); // one reply per INSTREAM: stop sending if clamd answered early
      }
      else if (text.length > MAX_REPLY_BYTES) reject(new ClamdError('clamd reply too long'));
    });
    socket.on('close', done);
    socket.on('error', () => {}); // the close that follows settles the reply
    signal.addEventListener('abort', () => socket.destroy(), { once: true });
  });
}

function parseReply(reply: string): string | null {
  const line = reply.trim();
  if (line === 'stream: OK') return null;
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found) return found[1];
  throw new ClamdError(`clamd: ${line}`);
}
