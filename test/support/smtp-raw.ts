// A minimal SMTP client on node:net for load and hostile-client tests: no pipelining, every
// reply read and kept, so a test knows exactly which messages got their 250 and their id.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SmtpReply {
  code: number;
  /** All lines of the reply, CRLF removed. */
  lines: string[];
}

/** One connection; replies are queued as they arrive, `reply()` takes the next one. */
export class RawSmtp {
  readonly socket: net.Socket;
  private buffer = '';
  private pending: string[] = [];
  private replies: SmtpReply[] = [];
  private waiters: { ok: (r: SmtpReply) => void; fail: (e: Error) => void }[] = [];
  closed = false;
  /** Every byte the server sent, for assertions on what an abused session saw. */
  transcript = '';
  readonly closedAt: Promise<number>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    socket.on('error', () => {});
    this.closedAt = new Promise((ok) =>
      socket.once('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) w.fail(new Error(`connection closed; transcript: ${this.transcript.slice(-300)}`));
        ok(performance.now());
      }),
    );
  }

  /** `localAddress`: the source address to bind (e.g. 127.0.0.9, an outside client on loopback). */
  static connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawSmtp> {
    return new Promise((ok, fail) => {
      const s = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) }, () => ok(new RawSmtp(s)));
      s.once('error', fail);
    });
  }

  private onData(text: string) {
    this.transcript += text.length > 4096 ? text.slice(0, 4096) : text;
    if (this.transcript.length > 65536) this.transcript = this.transcript.slice(-32768);
    this.buffer += text;
    let i;
    while ((i = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.pending.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), lines: this.pending.splice(0) };
        const w = this.waiters.shift();
        if (w) w.ok(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply (the banner first). */
  reply(timeoutMs = 30_000): Promise<SmtpReply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.closed) return Promise.reject(new Error(`connection closed; transcript: ${this.transcript.slice(-300)}`));
    return new Promise((ok, fail) => {
      const w = {
        ok: (x: SmtpReply) => {
          clearTimeout(t);
          ok(x);
        },
        fail: (e: Error) => {
          clearTimeout(t);
          fail(e);
        },
      };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        fail(new Error(`no reply in ${timeoutMs} ms; transcript: ${this.transcript.slice(-300)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((ok, fail) => this.socket.write(data, (e) => (e ? fail(e) : ok())));
  }

  async command(line: string, timeoutMs?: number): Promise<SmtpReply> {
    await this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  end() {
    this.socket.end();
  }

  destroy() {
    this.socket.destroy();
  }
}

/** A message with a unique marker, lines that need dot-stuffing, 8-bit and long lines: what comes back must be byte-exact. */
export function testMessage(marker: string, bodyBytes = 2048): string {
  const filler = randomBytes(Math.ceil((bodyBytes * 3) / 4)).toString('base64');
  const lines = filler.match(/.{1,76}/g) ?? [];
  return [
    'From: a@b.test',
    'To: user@lab.test',
    `Subject: no-loss ${marker}`,
    `Message-ID: <${marker}@b.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `marker ${marker}`,
    '.a line that starts with a dot',
    '..two dots',
    '.',
    ' . not the end',
    'caf\u00e9 na\u00efve',
    ...lines,
    '',
  ].join('\r\n');
}

/** The DATA payload for a message: dot-stuffed, terminated. */
export const dotStuff = (message: string): string => `${message.replace(/^\./gm, '..')}.\r\n`;

export interface Ack {
  id: string;
  message: string;
}

/**
 * One session: EHLO, then `count` messages (MAIL, RCPT, DATA, no pipelining) until `count` or
 * `stop()` says so. Each 250 "queued as ID" is passed to onAck before the next command.
 */
export async function sendSession(
  port: number,
  count: number,
  opts: { rcpt?: string; bodyBytes?: number; stop?: () => boolean; onAck: (ack: Ack) => void; onRefused?: (reply: SmtpReply) => void },
): Promise<{ sent: number; acked: number }> {
  const c = await RawSmtp.connect(port);
  let sent = 0;
  let acked = 0;
  try {
    const banner = await c.reply();
    if (banner.code !== 220) throw new Error(`banner: ${banner.lines.join(' | ')}`);
    const ehlo = await c.command('EHLO client.example');
    if (ehlo.code !== 250) throw new Error(`EHLO: ${ehlo.lines.join(' | ')}`);
    for (let i = 0; i < count && !opts.stop?.(); i++) {
      const marker = `${process.pid}-${port}-${randomBytes(8).toString('hex')}`;
      const message = testMessage(marker, opts.bodyBytes);
      const steps: [string, number][] = [
        ['MAIL FROM:<a@b.test>', 250],
        [`RCPT TO:<${opts.rcpt ?? 'user@lab.test'}>`, 250],
        ['DATA', 354],
      ];
      let ok = true;
      for (const [cmd, want] of steps) {
        const r = await c.command(cmd);
        if (r.code !== want) {
          opts.onRefused?.(r);
          await c.command('RSET');
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      sent++;
      await c.write(dotStuff(message));
      const r = await c.reply(120_000);
      const m = /queued as (\S+)/.exec(r.lines.at(-1) ?? '');
      if (r.code === 250 && m) {
        acked++;
        opts.onAck({ id: m[1], message });
      } else opts.onRefused?.(r);
    }
    await c.command('QUIT').catch(() => undefined);
  } finally {
    c.destroy();
  }
  return { sent, acked };
}

/** The stored .eml files of one recipient's folder: id -> content. */
export function readStore(storeDir: string, rcpt = 'user@lab.test', folder = 'inbox'): Map<string, string> {
  const dir = join(storeDir, folder, rcpt);
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) if (f.endsWith('.eml') && !f.startsWith('.')) out.set(f.slice(0, -4), readFileSync(join(dir, f), 'latin1'));
  return out;
}

/**
 * Why a stored file is not the message that was sent, or null when it is: the gateway's trace
 * headers (Received first) prepended, then exactly the bytes of the message.
 */
export function storedMismatch(stored: string | undefined, sent: string): string | null {
  if (stored === undefined) return 'missing';
  const sentBytes = Buffer.from(sent, 'utf8').toString('latin1');
  if (!stored.startsWith('Received: ')) return `does not start with Received: ${JSON.stringify(stored.slice(0, 80))}`;
  if (!stored.endsWith(sentBytes)) return `content differs (stored ${stored.length} bytes, sent ${sentBytes.length})`;
  const added = stored.slice(0, stored.length - sentBytes.length);
  if (!/^(?:[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)+$/.test(added)) return `unexpected bytes before the message: ${JSON.stringify(added.slice(0, 200))}`;
  return null;
}
