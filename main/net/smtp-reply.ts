// Turns a byte stream from an untrusted server into SMTP replies, with every size bounded.

export interface SmtpReply {
  code: number;
  /** Enhanced status code (RFC 3463) of the last line, when present. */
  enhanced: string | null;
  /** Text of each line, without the code and separator. */
  lines: string[];
  /** Time from our command (or from connect, for the greeting) to the last line. */
  elapsedMs: number;
}

export interface ReplyLimits {
  /** Bytes of one line before we give up on the server. */
  maxLineBytes: number;
  /** Lines of one reply before we give up (an endless multi-line reply). */
  maxReplyLines: number;
}

export const defaultReplyLimits: ReplyLimits = { maxLineBytes: 4096, maxReplyLines: 200 };

export class ReplyProtocolError extends Error {}

const LINE = /^(\d{3})([ -]|$)(.*)$/s;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/;

/** One reply as a single string: `250 2.1.0 Ok` or the lines joined with ` | `. */
export function replyText(r: SmtpReply): string {
  return `${r.code} ${r.lines.join(' | ')}`.trimEnd();
}

// Null-tolerant: a reply that never came is neither positive nor a failure.
export const isPositive = (r: SmtpReply | null) => !!r && r.code >= 200 && r.code < 400;
export const isTempFail = (r: SmtpReply | null) => !!r && r.code >= 400 && r.code < 500;
export const isPermFail = (r: SmtpReply | null) => !!r && r.code >= 500;

/**
 * Incremental parser: feed it chunks, it calls `onLine` per raw line and `onReply` per
 * complete reply. Throws ReplyProtocolError when a limit is crossed or a line is not SMTP.
 */
export class ReplyParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lines: string[] = [];

  constructor(
    private readonly limits: ReplyLimits,
    private readonly onLine: (line: string) => void,
    private readonly onReply: (code: number, lines: string[]) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      this.take(chunk.subarray(start, nl));
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    this.pendingBytes += rest.length;
    if (this.pendingBytes > this.limits.maxLineBytes) {
      // Keep the start of the monster line for the evidence before giving up.
      const head = Buffer.concat([...this.pending, rest]).subarray(0, 512).toString('utf8');
      this.pending = [];
      this.onLine(head);
      throw new ReplyProtocolError(`reply line longer than ${this.limits.maxLineBytes} bytes`);
    }
    this.pending.push(Buffer.from(rest));
  }

  private take(part: Buffer): void {
    const bytes = this.pendingBytes + part.length;
    const raw = this.pending.length ? Buffer.concat([...this.pending, part]) : part;
    this.pending = [];
    this.pendingBytes = 0;
    const line = raw.toString('utf8').replace(/\r$/, '');
    this.onLine(line);
    if (bytes > this.limits.maxLineBytes) {
      throw new ReplyProtocolError(`reply line longer than ${this.limits.maxLineBytes} bytes`);
    }
    const m = LINE.exec(line);
    if (!m) throw new ReplyProtocolError(`malformed reply line: ${JSON.stringify(line.slice(0, 80))}`);
    this.lines.push(m[3]);
    if (m[2] === '-') {
      if (this.lines.length >= this.limits.maxReplyLines) {
        throw new ReplyProtocolError(`reply longer than ${this.limits.maxReplyLines} lines`);
      }
      return;
    }
    const lines = this.lines;
    this.lines = [];
    this.onReply(Number(m[1]), lines);
  }
}

export function enhancedCode(lines: string[]): string | null {
  const last = lines[lines.length - 1] ?? '';
  return ENHANCED.exec(last)?.[1] ?? null;
}
