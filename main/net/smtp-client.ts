// Our own SMTP client over node:net / node:tls. nodemailer's client hides the raw conversation;
// a tester needs every byte, its timing, and hard bounds against a hostile server.
import net from 'node:net';
import tls from 'node:tls';
import {
  ReplyParser,
  ReplyProtocolError,
  defaultReplyLimits,
  enhancedCode,
  replyText,
  type ReplyLimits,
  type SmtpReply,
} from './smtp-reply.js';
import { ehloFacts } from './ehlo-capabilities.js';
import type { Transcript } from './transcript.js';
import type { EhloFacts } from '../../shared/assessment.js';

export type SmtpErrorKind = 'connect' | 'timeout' | 'closed' | 'protocol' | 'tls' | 'aborted' | 'server-closing';

export class SmtpError extends Error {
  constructor(
    readonly kind: SmtpErrorKind,
    message: string,
    readonly reply?: SmtpReply,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

export interface SmtpTimeouts {
  connectMs: number;
  /** Deadline for one whole reply (not an idle timeout: a server sending one byte a second still hits it). */
  commandMs: number;
  /** Deadline for the whole session, whatever happens. */
  sessionMs: number;
}

export const defaultTimeouts: SmtpTimeouts = { connectMs: 10_000, commandMs: 15_000, sessionMs: 60_000 };

export interface SmtpConnectOptions {
  host: string;
  port: number;
  transcript: Transcript;
  now: () => number;
  signal?: AbortSignal;
  timeouts?: Partial<SmtpTimeouts>;
  limits?: Partial<ReplyLimits>;
  /** Name sent in SNI and checked later by the TLS checks; defaults to host when it is a name. */
  servername?: string;
  /** Extra CA certificates (PEM), trusted besides the system roots. Verification is reported, never enforced. */
  ca?: string | Buffer;
  /** Handshake settings, for tests of protocol versions and cipher families. */
  tls?: TlsClientOptions;
  /** TLS from the first byte (SMTPS, port 465) instead of STARTTLS. */
  implicitTls?: boolean;
}

export interface TlsClientOptions {
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** OpenSSL cipher list (TLS 1.2 and below). */
  ciphers?: string;
  /**
   * 'none': trust nothing, so node reports exactly the chain the server sent (otherwise it
   * completes it with issuers from the local store, without saying which).
   */
  trustStore?: 'none';
}

/**
 * We want to see what the server offers, however weak: security level 0 lets OpenSSL negotiate
 * legacy protocols and accept small keys; the checks judge them afterwards.
 */
const SEE_EVERYTHING = 'DEFAULT:@SECLEVEL=0';

export interface EhloResult {
  reply: SmtpReply;
  facts: EhloFacts;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
  authorized: boolean;
  authorizationError: string | null;
  peerCertificate: tls.DetailedPeerCertificate | null;
}

type Waiter = { resolve: (r: SmtpReply) => void; reject: (e: Error) => void; sentAt: number };

export class SmtpSession {
  greeting!: SmtpReply;
  tls: TlsInfo | null = null;
  /** Set once the server said 421 or the connection ended: no further command is sent. */
  closedReason: string | null = null;

  private socket: net.Socket | tls.TLSSocket;
  private parser!: ReplyParser;
  private waiter: Waiter | null = null;
  private early: SmtpReply[] = [];
  private failure: SmtpError | null = null;
  private sessionTimer: NodeJS.Timeout;
  private readonly limits: ReplyLimits;
  private readonly timeouts: SmtpTimeouts;
  private readonly onAbort = () => this.fail(new SmtpError('aborted', 'aborted'));

  private constructor(
    private readonly opts: SmtpConnectOptions,
    socket: net.Socket | tls.TLSSocket,
  ) {
    this.socket = socket;
    this.limits = { ...defaultReplyLimits, ...opts.limits };
    this.timeouts = { ...defaultTimeouts, ...opts.timeouts };
    this.sessionTimer = setTimeout(
      () => this.fail(new SmtpError('timeout', `session exceeded ${this.timeouts.sessionMs} ms`)),
      this.timeouts.sessionMs,
    );
    this.sessionTimer.unref();
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.attach(socket, socket instanceof tls.TLSSocket);
  }

  get transcript(): Transcript {
    return this.opts.transcript;
  }

  get secure(): boolean {
    return this.tls !== null;
  }

  /** Connects and reads the greeting. A 421/5xx greeting is returned, not thrown: it is a fact. */
  static async connect(opts: SmtpConnectOptions): Promise<SmtpSession> {
    const timeouts = { ...defaultTimeouts, ...opts.timeouts };
    if (opts.signal?.aborted) throw new SmtpError('aborted', 'aborted');
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new SmtpError('connect', `connect to ${opts.host}:${opts.port} timed out after ${timeouts.connectMs} ms`));
      }, timeouts.connectMs);
      const abort = () => {
        s.destroy();
        clearTimeout(timer);
        reject(new SmtpError('aborted', 'aborted'));
      };
      opts.signal?.addEventListener('abort', abort, { once: true });
      s.once('connect', () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', abort);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', abort);
        reject(new SmtpError('connect', `cannot connect to ${opts.host}:${opts.port}: ${err.code ?? err.message}`));
      });
    });
    opts.transcript.note(`connected to ${socket.remoteAddress}:${socket.remotePort} from ${socket.localAddress}:${socket.localPort}`);
    if (opts.implicitTls) {
      const secure = await handshake(socket, opts, timeouts.commandMs);
      const session = new SmtpSession(opts, secure);
      session.tls = tlsInfo(secure);
      opts.transcript.note(`TLS established: ${session.tls.protocol} ${session.tls.cipher}`);
      session.greeting = await session.read(opts.now());
      return session;
    }
    const session = new SmtpSession(opts, socket);
    session.greeting = await session.read(opts.now());
    if (session.greeting.code === 421 || session.greeting.code === 554) session.closing(session.greeting);
    return session;
  }

  private attach(socket: net.Socket | tls.TLSSocket, secure: boolean): void {
    const dirIn = secure ? '<~' : '<-';
    this.parser = new ReplyParser(
      this.limits,
      (line) => this.transcript.add(dirIn, line),
      (code, lines) => this.deliver(code, lines),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.push(chunk);
      } catch (err) {
        const msg = err instanceof ReplyProtocolError ? err.message : String(err);
        this.fail(new SmtpError('protocol', msg));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(new SmtpError('closed', `connection error: ${err.code ?? err.message}`)),
    );
    socket.on('close', () => this.fail(new SmtpError('closed', 'connection closed by server')));
  }

  private deliver(code: number, lines: string[]): void {
    const w = this.waiter;
    const reply: SmtpReply = {
      code,
      lines,
      enhanced: enhancedCode(lines),
      elapsedMs: w ? this.opts.now() - w.sentAt : 0,
    };
    if (!w) {
      // Unsolicited reply (early talk or pipelining abuse): keep it for the next read, bounded.
      if (this.early.length >= 8) this.fail(new SmtpError('protocol', 'server sent replies nobody asked for'));
      else this.early.push(reply);
      return;
    }
    this.waiter = null;
    w.resolve(reply);
  }

  private fail(err: SmtpError, quiet = false): void {
    if (!this.failure) {
      this.failure = err;
      if (!quiet && (err.kind !== 'closed' || !this.closedReason)) this.transcript.note(err.message);
    }
    clearTimeout(this.sessionTimer);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.closedReason && err.kind === 'closed' ? new SmtpError('server-closing', this.closedReason) : err);
  }

  private closing(reply: SmtpReply): void {
    this.closedReason = `server closing: ${replyText(reply)}`;
  }

  private read(sentAt: number): Promise<SmtpReply> {
    const early = this.early.shift();
    if (early) return Promise.resolve(early);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new SmtpError('timeout', `no complete reply within ${this.timeouts.commandMs} ms`)),
        this.timeouts.commandMs,
      );
      this.waiter = {
        sentAt,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Sends one command line and reads its reply. 421 marks the session closing and is returned. */
  async command(line: string): Promise<SmtpReply> {
    if (this.closedReason) throw new SmtpError('server-closing', this.closedReason);
    if (this.failure) throw this.failure;
    if (/[\r\n]/.test(line)) throw new Error('command must be a single line');
    this.transcript.add(this.secure ? '~>' : '->', line);
    const sentAt = this.opts.now();
    this.socket.write(`${line}\r\n`);
    const reply = await this.read(sentAt);
    if (reply.code === 421) this.closing(reply);
    return reply;
  }

  /** EHLO, falling back to HELO when the server does not know EHLO (5xx other than 554/421). */
  async ehlo(name: string): Promise<EhloResult> {
    const reply = await this.command(`EHLO ${name}`);
    if (reply.code === 250) return { reply, facts: ehloFacts(reply.lines, false) };
    if (reply.code >= 500 && reply.code !== 554) {
      const helo = await this.command(`HELO ${name}`);
      if (helo.code === 250) return { reply: helo, facts: ehloFacts([helo.lines[0] ?? ''], true) };
      throw new SmtpError('protocol', `EHLO and HELO refused: ${replyText(helo)}`, helo);
    }
    throw new SmtpError('protocol', `EHLO refused: ${replyText(reply)}`, reply);
  }

  /**
   * STARTTLS on the same socket. Returns the 220 reply and TLS facts; a non-220 reply is
   * returned with tls left null. A failed handshake after 220 throws kind 'tls'.
   */
  async startTls(): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    if (this.early.length > 0) {
      // Bytes after 220 and before the handshake would be injected into the TLS session (CVE-2011-0411).
      this.transcript.note('server sent data between 220 and the TLS handshake; discarded');
      this.early = [];
    }
    const plain = this.socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.on('error', () => {});
    const secure = await handshake(plain, this.opts, this.timeouts.commandMs).catch((err: SmtpError) => {
      this.fail(err);
      throw err;
    });
    this.socket = secure;
    this.attach(secure, true);
    this.tls = tlsInfo(secure);
    this.transcript.note(`TLS established: ${this.tls.protocol} ${this.tls.cipher}`);
    return reply;
  }

  /** Sends a message body after a 354, dot-stuffed, and reads the final reply. */
  async data(message: string): Promise<SmtpReply> {
    const go = await this.command('DATA');
    if (go.code !== 354) return go;
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    for (const line of body.split('\r\n')) this.transcript.add(this.secure ? '~>' : '->', line);
    this.transcript.add(this.secure ? '~>' : '->', '.');
    const sentAt = this.opts.now();
    this.socket.write(`${body}\r\n.\r\n`);
    return this.read(sentAt);
  }

  /** Polite end: QUIT with a short wait, then the socket is destroyed whatever happens. */
  async quit(): Promise<void> {
    if (this.failure || this.closedReason) {
      this.close();
      return;
    }
    try {
      this.transcript.add(this.secure ? '~>' : '->', 'QUIT');
      this.socket.write('QUIT\r\n');
      await Promise.race([this.read(this.opts.now()), new Promise((r) => setTimeout(r, 1000).unref())]);
    } catch {
      // The server may close before answering QUIT; nothing to report.
    } finally {
      this.close();
    }
  }

  close(): void {
    this.fail(new SmtpError('closed', 'closed by us'), true);
  }
}

/** One bounded TLS handshake on a connected socket; the result is reported, never enforced. */
function handshake(socket: net.Socket, opts: SmtpConnectOptions, timeoutMs: number): Promise<tls.TLSSocket> {
  const servername = opts.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
  return new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({
      socket,
      servername,
      rejectUnauthorized: false,
      // `ca` replaces the default roots in node: keep the system roots and add the user's.
      ca: opts.tls?.trustStore === 'none' ? [] : opts.ca ? [...tls.rootCertificates, opts.ca.toString()] : undefined,
      minVersion: opts.tls?.minVersion ?? 'TLSv1',
      maxVersion: opts.tls?.maxVersion,
      ciphers: opts.tls?.ciphers ? `${opts.tls.ciphers}:@SECLEVEL=0` : SEE_EVERYTHING,
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new SmtpError('tls', `TLS handshake did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      reject(new SmtpError('tls', `TLS handshake failed: ${err.code ?? ''} ${err.message}`.trim()));
    });
  });
}

function tlsInfo(secure: tls.TLSSocket): TlsInfo {
  const cipher = secure.getCipher();
  return {
    protocol: secure.getProtocol() ?? null,
    cipher: cipher?.standardName ?? cipher?.name ?? null,
    authorized: secure.authorized,
    authorizationError: secure.authorizationError ? String(secure.authorizationError) : null,
    peerCertificate: secure.getPeerCertificate(true) ?? null,
  };
}
