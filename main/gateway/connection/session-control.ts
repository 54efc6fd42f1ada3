// smtp-server's connection, steered where its options stop. smtp-server hard-codes a 100 ms pause
// before every greeting (capping one-message-per-connection traffic at 10 x concurrency per
// second), answers an early talker with a fixed 421, closes right after a refused greeting, and
// cuts a client after 10 unknown commands with no hook for us. Per connection, this replaces:
// - init() and _sendGreeting(): the connect phase runs at once; then the greeting waits as long
//   as the policy says for this client (the pregreet test; 0 greets at once), and the policy may
//   send a refusal instead of the banner (early talker, connect refusal); a refused session
//   answers 503 to every command until QUIT (RFC 5321 3.1);
// - _onCommand(): lines sent before the greeting are held (the parser waits) and answered after
//   it; error, junk-command and unknown-command limits end the session with the policy's 421;
// - send(): smtp-server's own refusal of MAIL ... SIZE= over the limit (given before onMailFrom)
//   is replaced by the policy's reply, so that it is traced and counted like any decision.
// Nothing of smtp-server is forked: the originals do the work whenever we do not intervene.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import type { Socket } from 'node:net';

/** A reply line; `text` carries the enhanced status code. */
export interface ControlReply {
  code: number;
  text: string;
}

export interface EarlyTalk {
  /** Milliseconds from the connection to the first byte. */
  afterMs: number;
  /** The first bytes received before the greeting (bounded, as received). */
  sample: string;
}

export type LimitKind = 'errors' | 'junk' | 'unknown';

export interface CommandLimits {
  /** Error replies (4xx/5xx) before the session is ended (Postfix smtpd_hard_error_limit). */
  errors: number;
  /** NOOP, RSET, VRFY, HELP... without a message delivered (Postfix smtpd_junk_command_limit). */
  junkCommands: number;
  /** Unrecognized commands (smtp-server's own limit is a fixed 10). */
  unknownCommands: number;
}

export interface SessionPolicy {
  /** How long to hold the greeting for this client (the pregreet test); 0 greets at once. */
  greetWaitMs(peer: string): number;
  /**
   * The greeting is due. `talk` is set when the client sent something first; `waited` says the
   * whole greet wait elapsed. Returns what to send instead of the banner, or null for the banner.
   */
  greeting(session: SMTPServerSession, talk: EarlyTalk | null, waited: boolean): ControlReply | null;
  limits: CommandLimits;
  /** A limit was reached by `command`: the 421 to send before closing. */
  limitReached(session: SMTPServerSession, kind: LimitKind, command: string): ControlReply;
  /**
   * smtp-server refused `command` (MAIL with SIZE= over the limit) before any handler of ours
   * ran: the reply to send instead of its own (the policy traces and counts it).
   */
  sizeRefused(session: SMTPServerSession, command: string): ControlReply;
}

export interface SessionControl {
  /** Takes over the connections `server` accepts from now on. */
  install(server: SMTPServer): void;
  /**
   * Refuses the session: `reply` replaces the banner when the greeting is still due (or is the
   * caller's own reply to the current command), then every command but QUIT gets 503.
   */
  refuse(session: SMTPServerSession, reply: ControlReply): void;
}

/** Commands that do not move a transaction forward (Postfix counts NOOP, VRFY, ETRN, RSET). */
const JUNK = new Set(['NOOP', 'RSET', 'VRFY', 'EXPN', 'HELP', 'ETRN']);
const HTTP = /^(OPTIONS|GET|HEAD|POST|PUT|DELETE|TRACE|CONNECT) \/.* HTTP\/\d\.\d$/i;
const SAMPLE_BYTES = 120;

interface ConnState {
  refused: ControlReply | null;
  errors: number;
  junk: number;
  unknown: number;
  talk: EarlyTalk | null;
  waited: boolean;
  greeted: boolean;
  held: { command: Buffer; callback: () => void } | null;
  /** The command being answered (bounded), for a refusal smtp-server gives on its own. */
  command: string;
}

/** The untyped internals of smtp-server we call (present in 3.x; checked at start). */
interface ConnectionInternals {
  session: SMTPServerSession;
  _socket: Socket;
  _ready: boolean;
  _closing: boolean;
  _closed: boolean;
  _upgrading: boolean;
  _nextHandler: unknown;
  _server: SMTPServer & { _closeTimeout: unknown; _onError(err: Error): void; _onClientConnect(data: unknown): void; options: SMTPServer['options'] & { maxClients?: number } };
  name: string;
  remoteAddress: string;
  init(): void;
  connectionReady(): void;
  send(code: number, data?: string | string[] | null, context?: string | false): void;
  close(): void;
  _setListeners(cb: () => void): void;
  _sendGreeting(): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  _isSupported(command: string): boolean;
  _whenWritable(next: () => void): void;
  _proxyCommandAllowed(command: string, option: string): boolean;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
for (const m of ['_setListeners', 'connectionReady', '_sendGreeting', '_onCommand', '_isSupported', '_whenWritable', '_proxyCommandAllowed']) {
  if (typeof proto[m] !== 'function') throw new Error(`smtp-server: SMTPConnection.${m} is missing; the session control needs this smtp-server version (3.21)`);
}

export function createSessionControl(policy: SessionPolicy): SessionControl {
  const states = new WeakMap<SMTPServerSession, ConnState>();
  return {
    install(server) {
      const srv = server as unknown as ConnectionInternals['_server'] & { connect(socket: Socket, options: unknown): void; connections: Set<unknown> };
      srv.connect = function connect(socket: Socket, socketOptions: unknown) {
        // As SMTPServer.connect, with our connection behaviour installed before init().
        const conn = new SMTPConnection(server, socket, socketOptions as never) as unknown as ConnectionInternals;
        srv.connections.add(conn);
        conn.on('error', (err) => srv._onError(err as Error));
        conn.on('connect', (data) => srv._onClientConnect(data));
        const st: ConnState = { refused: null, errors: 0, junk: 0, unknown: 0, talk: null, waited: false, greeted: false, held: null, command: '' };
        states.set(conn.session, st);
        install(conn, st, policy);
        conn.init();
      };
    },
    refuse(session, reply) {
      const st = states.get(session);
      if (st) st.refused = reply;
    },
  };
}

function install(conn: ConnectionInternals, st: ConnState, policy: SessionPolicy): void {
  const send = conn.send;
  const onCommand = conn._onCommand;
  const sendGreeting = conn._sendGreeting;
  const connectedAt = performance.now();
  let timer: NodeJS.Timeout | null = null;

  /** Sends the greeting (or what the policy sends instead), then answers what came before it. */
  const greet = () => {
    timer = null;
    if (st.greeted || conn._closing || conn._closed) return;
    st.greeted = true;
    conn._socket.off('data', onEarlyBytes);
    const reply = st.refused ?? policy.greeting(conn.session, st.talk, st.waited);
    if (reply) {
      if (reply.code !== 421) st.refused = reply;
      send.call(conn, reply.code, reply.text, false); // 421 closes the connection
    } else sendGreeting.call(conn);
    const held = st.held;
    st.held = null;
    if (held && !conn._closing) setImmediate(() => conn._onCommand(held.command, held.callback));
  };

  // Any byte before the greeting is early talk, a partial line too.
  const onEarlyBytes = (chunk: Buffer) => {
    if (st.greeted || st.talk) return;
    st.talk = { afterMs: Math.round(performance.now() - connectedAt), sample: chunk.toString('latin1', 0, SAMPLE_BYTES) };
    // No need to wait any longer: the test has its answer.
    if (timer) {
      clearTimeout(timer);
      greet();
    }
  };

  conn.init = function init() {
    this._setListeners(() => {
      if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      // Ahead of the parser's listener: the sample is the bytes as sent.
      this._socket.prependListener('data', onEarlyBytes);
      // The connect phase runs at once (onConnect); the greeting waits in _sendGreeting.
      this.connectionReady();
    });
  };

  conn._sendGreeting = function () {
    // A later greeting (after XCLIENT) is smtp-server's own.
    if (st.greeted) return sendGreeting.call(this);
    // A refused client is not tested: it is refused at once. Otherwise the time the connect
    // phase took (a DNSBL lookup) counts towards the wait, as in Haraka's early_talker.
    const wait = st.refused || st.talk ? 0 : policy.greetWaitMs(this.remoteAddress) - (performance.now() - connectedAt);
    if (wait <= 0) {
      st.waited = !st.refused && !st.talk && policy.greetWaitMs(this.remoteAddress) > 0;
      return greet();
    }
    timer = setTimeout(() => {
      st.waited = true;
      greet();
    }, wait);
    timer.unref();
  };

  conn.send = function (code, data, context) {
    if (code === 552 && context === 'MESSAGE_TOO_BIG' && /^MAIL /i.test(st.command)) {
      const r = policy.sizeRefused(this.session, st.command);
      [code, data, context] = [r.code, r.text, false];
    }
    if (code >= 400 && code !== 421) st.errors++;
    // A message delivered: the client is doing real work, its counts start over (as Postfix does).
    if (context === 'DATA_OK') st.errors = st.junk = st.unknown = 0;
    return send.call(this, code, data, context);
  };

  conn._onCommand = function (command, callback) {
    const next = callback ?? (() => undefined);
    const done = () => setImmediate(() => this._whenWritable(next));
    if (this._upgrading || this._server._closeTimeout) return onCommand.call(this, command, callback);
    if (!st.greeted) {
      // Sent before the greeting: answered after it (the parser waits for this callback).
      st.held = { command, callback: next };
      onEarlyBytes(command);
      return;
    }
    const line = command.toString('latin1');
    const name = line.split(' ', 1)[0].toUpperCase();
    st.command = line.slice(0, 512);
    const limit = (kind: LimitKind) => {
      const r = policy.limitReached(this.session, kind, line.slice(0, 80));
      send.call(this, r.code, r.text, false); // 421: closed
    };
    // At the limit nothing more is answered, but QUIT still ends the session politely.
    if (st.errors >= policy.limits.errors && name !== 'QUIT') return limit('errors');
    if (st.refused && !this._nextHandler) {
      if (name === 'QUIT') return onCommand.call(this, command, callback);
      // A trusted proxy presents another client: that one is judged afresh.
      if (name === 'XCLIENT' && this._proxyCommandAllowed('XCLIENT', 'useXClient')) {
        st.refused = null;
        return onCommand.call(this, command, callback);
      }
      this.send(503, '5.5.1 Bad sequence of commands: the session was refused, send QUIT');
      return done();
    }
    if (!this._nextHandler && JUNK.has(name) && ++st.junk > policy.limits.junkCommands) return limit('junk');
    if (!this._nextHandler && !HTTP.test(line) && !this._isSupported(name)) {
      if (++st.unknown >= policy.limits.unknownCommands) return limit('unknown');
      this.send(500, '5.5.2 Error: command not recognized');
      return done();
    }
    return onCommand.call(this, command, callback);
  };
}
