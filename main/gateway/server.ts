// The reference gateway: smtp-server as the protocol engine, our layers deciding each phase,
// a decision trace per session, counters per layer, and the mail store behind the 250.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createHash, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { parseGatewayConfig, type GatewayConfig, type LayerList } from './config.js';
import { layerRegistry } from './layer-registry.js';
import { record, runPhase, type ConfiguredLayer, type PipelineEnv } from './pipeline.js';
import { newSession, type Decision, type DecisionPhase, type GatewaySession } from './session.js';
import { cleanStoreLeftovers, storeMessage, type Folder } from './mail-store.js';
import { watchCommandDeadline } from './connection/command-deadline.js';
import { createSessionControl, type ControlReply, type EarlyTalk, type LimitKind, type SessionPolicy } from './connection/session-control.js';
import { earlyTalkerGate } from './connection/early-talker.js';
import type { Reply } from './reply-map.js';
import type { Phase, SpooledMessage } from './define-layer.js';
import { createSpooledMessage, releaseSpool, removeNow } from './content/spooled-message.js';
import { spoolData } from './data-spool.js';
import { startRelayQueue, type RelayQueue } from './relay/relay-queue.js';
import { createResolver, type DnsResolver } from '../net/resolver.js';
import { gatewayTlsMaterial, type TlsMaterial } from './tls-cert.js';
import { openDecisionLog, sessionLogLine, type DecisionLog } from './trace-log.js';

export interface GatewayEvents {
  decision: [session: GatewaySession, decision: Decision];
  /** A session ended: which listener it came to and when it began (for session views). */
  session: [session: GatewaySession, meta: { listener: 'mx' | 'submission'; startedAt: Date }];
  stored: [session: GatewaySession, paths: string[]];
}

export interface Gateway {
  host: string;
  port: number;
  /** The submission listener, when configured. */
  submission: { host: string; port: number } | null;
  /** The STARTTLS certificate (PEM) and where it came from; null when TLS is disabled. */
  tls: { cert: string; certFile: string; source: TlsMaterial['source'] } | null;
  config: GatewayConfig;
  events: EventEmitter<GatewayEvents>;
  /** Per layer, per action: how many decisions. */
  counters(): Record<string, Record<string, number>>;
  /** A layer's own state (zone health, per-IP counters, alerts), for status views. */
  layerState(id: string): unknown;
  /** Sessions open right now, on every listener. */
  openSessions(): number;
  /**
   * Stops accepting connections, lets open sessions finish for up to `graceMs` (30 s by
   * default), then ends the rest with 421 and closes the decision log.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface GatewayDeps {
  resolver?: DnsResolver;
  now?: () => number;
  /** The layers known to this gateway; the registry by default (tests of a new layer add theirs). */
  layers?: LayerList;
}

export async function startGateway(input: unknown, deps: GatewayDeps = {}): Promise<Gateway> {
  const known = deps.layers ?? layerRegistry;
  const { config, layerOptions } = parseGatewayConfig(input, known);
  const events = new EventEmitter<GatewayEvents>();
  const counters: Record<string, Record<string, number>> = {};
  const layers: ConfiguredLayer[] = config.order.map((id) => {
    const def = known.find((l) => l.id === id)!;
    const options = layerOptions.get(id);
    return { def, options, state: def.init?.(options) };
  });
  const env: PipelineEnv = {
    layers,
    resolver: deps.resolver ?? createResolver(config.dns),
    localDomains: config.domains,
    now: deps.now ?? (() => performance.now()),
    onDecision: (s, d) => {
      const c = (counters[d.layer] ??= {});
      c[`${d.phase}:${d.action}`] = (c[`${d.phase}:${d.action}`] ?? 0) + 1;
      events.emit('decision', s, d);
    },
  };
  const spoolDir = join(config.storeDir, '.spool');
  // What a crash left behind (spooled DATA, half-written store files) was never acknowledged
  // with a 250: the client still has it and will retry. Remove it before accepting mail.
  await cleanStoreLeftovers(config.storeDir);
  await mkdir(spoolDir, { recursive: true });
  const sessions = new Map<string, GatewaySession>();
  /** When each smtp-server session began, for the decision log. */
  const started = new Map<string, Date>();
  const tlsMaterial = config.tls.enabled
    ? await gatewayTlsMaterial({ storeDir: config.storeDir, hostname: config.hostname, key: config.tls.key, cert: config.tls.cert })
    : null;
  const log: DecisionLog | null = config.log ? await openDecisionLog(config.log) : null;
  let relay: RelayQueue | null = null;
  try {
    relay = config.relay ? await startRelayQueue(config.relay, { queueDir: join(config.storeDir, '.relay-queue'), hostname: config.hostname }) : null;
  } catch (err) {
    await log?.close();
    throw err;
  }

  /** Our session for smtp-server's, following an XCLIENT address change. */
  const ours = (s: SMTPServerSession): GatewaySession => {
    let g = sessions.get(s.id);
    const xclient = (s as SMTPServerSession & { xClient?: Map<string, string> }).xClient?.get('ADDR');
    if (!g || (xclient && g.remoteAddress !== s.remoteAddress)) {
      g = newSession(s.id, s.remoteAddress, !xclient && config.internalNetworks.includes(s.remoteAddress));
      sessions.set(s.id, g);
      g.marks.connectPending = !!xclient; // XCLIENT presents a new client: judge it as if it had just connected
    }
    g.helo = s.hostNameAppearsAs || g.helo;
    // XCLIENT LOGIN= from a trusted peer marks the client authenticated (AUTH itself is off).
    g.authenticated = !!(s as SMTPServerSession & { user?: unknown }).user;
    return g;
  };

  const fail = (reply: Reply) => Object.assign(new Error(`${reply.enhanced} ${reply.text}`), { responseCode: reply.code });
  const controlReply = (r: Reply): ControlReply => ({ code: r.code, text: [r.enhanced, r.text].filter(Boolean).join(' ') });

  /**
   * Runs a phase; resolves with the reply to refuse with, or null to go on. A refused connect
   * phase (also the one XCLIENT's new client gets) refuses the whole session: 503 to whatever
   * follows, until QUIT.
   */
  const decide = async (s: SMTPServerSession, g: GatewaySession, phase: Exclude<Phase, 'data'>, value: string): Promise<Reply | null> => {
    if (g.marks.connectPending) {
      g.marks.connectPending = false;
      const c = await runPhase(env, g, { phase: 'connect' });
      if (c.verdict.action !== 'continue' && c.verdict.action !== 'accept') {
        if (c.reply.code >= 500) control.refuse(s, controlReply(c.reply));
        return c.reply;
      }
    }
    const arg = phase === 'connect' ? { phase } : phase === 'helo' ? { phase, name: value } : phase === 'mail' ? { phase, from: value } : { phase, to: value };
    const out = await runPhase(env, g, arg as Parameters<typeof runPhase>[2]);
    if (out.verdict.action === 'continue' || out.verdict.action === 'accept') return null;
    if (phase === 'connect' && out.reply.code >= 500) control.refuse(s, controlReply(out.reply));
    return out.reply;
  };

  // The listener's own rules (pregreet test, command limits): decided here, traced as 'listener'.
  const gate = earlyTalkerGate(config.earlyTalker, config.internalNetworks);
  const listenerDecision = (s: SMTPServerSession, phase: DecisionPhase, action: Decision['action'], reason: string, reply: ControlReply | null) => {
    const g = ours(s);
    record(env, g, { phase, layer: 'listener', action, reason, reply: reply ? `${reply.code} ${reply.text}` : '', ms: 0 });
  };
  const EARLY_REPLIES: Record<'disconnect' | 'reject', ControlReply> = {
    disconnect: { code: 421, text: '4.7.0 You talk too soon: command sent before the greeting, closing connection' },
    reject: { code: 554, text: '5.5.1 Protocol error: command sent before the greeting' },
  };
  const LIMIT_REPLIES: Record<LimitKind, ControlReply> = {
    errors: { code: 421, text: '4.7.0 Too many errors, closing connection' },
    junk: { code: 421, text: '4.7.0 Too many junk commands, closing connection' },
    unknown: { code: 421, text: '4.7.0 Too many unrecognized commands, closing connection' },
  };
  const SIZE_REPLY: ControlReply = { code: 552, text: '5.3.4 Message size exceeds fixed maximum message size' };
  const PHASE_OF: Record<string, DecisionPhase> = { HELO: 'helo', EHLO: 'helo', MAIL: 'mail', RCPT: 'rcpt', DATA: 'data' };
  const policy: SessionPolicy = {
    greetWaitMs: (peer) => gate.greetWaitMs(peer),
    greeting(s, talk: EarlyTalk | null, waited) {
      if (!talk) {
        if (waited) gate.passed(s.remoteAddress);
        return null;
      }
      const action = config.earlyTalker.action;
      const reply = action === 'ignore' ? null : EARLY_REPLIES[action];
      const reason = `early talker: sent ${JSON.stringify(talk.sample.slice(0, 60))} ${talk.afterMs} ms after connecting, before the greeting`;
      listenerDecision(s, 'connect', action === 'ignore' ? 'note' : action, reason, reply);
      return reply;
    },
    limits: config.commandLimits,
    limitReached(s, kind, command) {
      const reply = LIMIT_REPLIES[kind];
      const limit = kind === 'errors' ? config.commandLimits.errors : kind === 'junk' ? config.commandLimits.junkCommands : config.commandLimits.unknownCommands;
      const what = kind === 'errors' ? 'error replies' : kind === 'junk' ? 'junk commands (NOOP, RSET, VRFY...)' : 'unrecognized commands';
      listenerDecision(s, PHASE_OF[command.split(' ', 1)[0].toUpperCase()] ?? 'command', 'disconnect', `${kind === 'errors' ? limit : `more than ${limit - (kind === 'unknown' ? 1 : 0)}`} ${what} in this session`, reply);
      return reply;
    },
    sizeRefused(s, command) {
      const declared = /\bSIZE=(\d{1,20})/i.exec(command)?.[1] ?? '?';
      listenerDecision(s, 'mail', 'reject', `declared SIZE=${declared} over the ${config.maxMessageBytes} bytes limit`, SIZE_REPLY);
      return SIZE_REPLY;
    },
  };
  const control = createSessionControl(policy);

  const users = new Map((config.submission?.users ?? []).map((u) => [u.username, digest(u.password)]));

  /** One SMTP listener: the MX (port 25 posture: no AUTH) or submission (AUTH only after STARTTLS). */
  const createListener = (kind: 'mx' | 'submission'): SMTPServer => {
    const submission = kind === 'submission';
    const listenerOptions: SMTPServerOptions = submission
      ? {
          // AUTH PLAIN/LOGIN, offered and accepted only inside TLS (see onConnect/onSecure).
          authMethods: ['PLAIN', 'LOGIN'],
          authOptional: false,
          allowInsecureAuth: false,
          useXClient: false,
          onAuth(auth, _session, cb) {
            const want = auth.username !== undefined ? users.get(auth.username) : undefined;
            const ok = want !== undefined && typeof auth.password === 'string' && timingSafeEqual(want, digest(auth.password));
            if (!ok) return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
            cb(null, { user: auth.username });
          },
          onSecure(_socket, session, cb) {
            session.disabledCommands = [];
            cb();
          },
        }
      : {
          // No AUTH on the internet-facing listener (the talk: prevents password guessing).
          disabledCommands: ['AUTH'],
          authOptional: true,
          useXClient: config.xclientPeers.length ? config.xclientPeers : false,
        };
    const server: SMTPServer = new SMTPServer({
      ...listenerOptions,
      name: config.hostname,
      banner: '',
      size: config.maxMessageBytes,
      hideDSN: false,
      // Our replies carry their own enhanced codes in the text (one place: reply-map.ts).
      hideENHANCEDSTATUSCODES: true,
      hideSTARTTLS: !tlsMaterial,
      ...(tlsMaterial ? { key: tlsMaterial.key, cert: tlsMaterial.cert } : {}),
      disableReverseLookup: true,
      socketTimeout: config.idleTimeoutSeconds * 1000,
      maxClients: config.maxClients,
      logger: false,
      onConnect(session, cb) {
        started.set(session.id, new Date());
        // Submission: no AUTH in EHLO nor accepted until STARTTLS (onSecure lifts this).
        if (submission) session.disabledCommands = ['AUTH'];
        const g = ours(session);
        // A 5xx refusal is sent as the greeting by the session control, which then answers 503
        // until QUIT (RFC 5321 3.1); a 421 is sent and the connection closed.
        decide(session, g, 'connect', '').then((r) => cb(r && r.code < 500 ? fail(r) : null), (err) => cb(err));
      },
      onMailFrom(address, session, cb) {
        if (submission && !session.secure) return cb(Object.assign(new Error('5.7.0 Must issue a STARTTLS command first'), { responseCode: 530 }));
        const g = ours(session);
        // A new transaction: what layers noted for the previous message does not carry over.
        g.mailFrom = address.address;
        g.recipients = [];
        g.addHeaders = [];
        g.marks = { connectPending: g.marks.connectPending };
        decide(session, g, 'mail', address.address).then((r) => cb(r && fail(r)), (err) => cb(err));
      },
      onRcptTo(address, session, cb) {
        const g = ours(session);
        decide(session, g, 'rcpt', address.address).then((r) => {
          if (!r) g.recipients.push(address.address);
          cb(r && fail(r));
        }, (err) => cb(err));
      },
      onData(stream, session, cb) {
        const g = ours(session);
        receive(g, stream).then((reply) => cb(reply.code >= 400 ? fail(reply) : null, reply.code < 400 ? `${reply.enhanced} ${reply.text}` : undefined), (err) => cb(err));
      },
      onClose(session) {
        const g = sessions.get(session.id);
        const startedAt = started.get(session.id) ?? new Date();
        sessions.delete(session.id);
        started.delete(session.id);
        if (!g) return;
        for (const { def, options, state } of layers) {
          def.hooks.close?.({ options, state, session: g, resolver: env.resolver, now: env.now, localDomains: env.localDomains });
        }
        log?.append(sessionLogLine(g, kind, startedAt, new Date()));
        events.emit('session', g, { listener: kind, startedAt });
      },
    });
    // A failed TLS handshake or a reset socket must never take the gateway down.
    server.on('error', () => {});
    control.install(server);
    return server;
  };

  /** Spools DATA to disk (never whole in memory), lets the layers decide, stores before 250. */
  let spoolSeq = 0;
  const receive = async (g: GatewaySession, stream: NodeJS.ReadableStream & { sizeExceeded?: boolean }): Promise<Reply> => {
    // Unique within the process (session ids are random); the spool is emptied at every start.
    const spool = join(spoolDir, `${g.id}-${(spoolSeq++).toString(36)}.eml`);
    let message: SpooledMessage | null = null;
    try {
      const { size, headers, bytes } = await spoolData(stream as AsyncIterable<Buffer>, spool);
      if (stream.sizeExceeded) {
        const reply = { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed maximum message size' };
        record(env, g, { phase: 'data', layer: 'listener', action: 'reject', reason: `message over ${config.maxMessageBytes} bytes`, reply: `552 5.3.4 ${reply.text}`, ms: 0 });
        return reply;
      }
      message = createSpooledMessage({ path: spool, size, headers, ...(bytes ? { bytes, onDisk: false } : {}) });
      const out = await runPhase(env, g, { phase: 'data', message });
      if (out.verdict.action !== 'continue' && out.verdict.action !== 'accept') return out.reply;
      // Accepted to be dropped (spam "delete" action): the 250 is sent, nothing is stored.
      if (g.marks.discard === true) return out.reply;
      const folder = (g.marks.folder as Folder | undefined) ?? 'inbox';
      const header = [`Received: from ${g.helo ?? 'unknown'} ([${g.remoteAddress}]) by ${config.hostname} (mxaudit gateway) id ${g.id}; ${new Date().toUTCString()}`, ...g.addHeaders, ''].join('\r\n');
      // The message as the layers left it: in memory unless a layer rewrote the file (bytes is then null).
      const stored = await storeMessage(config.storeDir, folder, g.recipients, header, spool, message.bytes, message.size);
      // Handed to the smart host's queue (durable) before the 250; quarantined mail stays here.
      if (relay && folder !== 'quarantine') await relay.enqueue({ id: stored.id, from: g.mailFrom ?? '', recipients: [...g.recipients], file: stored.paths[0] });
      events.emit('stored', g, stored.paths);
      return { ...out.reply, text: `${out.reply.text}: queued as ${stored.id}` };
    } finally {
      // Answered, refused or the client gone: the spool file goes, once no layer still writes it.
      if (message) releaseSpool(message);
      else removeNow(spool);
    }
  };

  const listen = (srv: SMTPServer, at: { host: string; port: number }) =>
    new Promise<AddressInfo>((resolve, reject) => {
      srv.server.once('error', reject);
      srv.listen(at.port, at.host, () => {
        srv.server.off('error', reject);
        resolve(srv.server.address() as AddressInfo);
      });
    });
  const close = (srv: SMTPServer, graceMs: number) =>
    new Promise<void>((resolve) => {
      srv.options.closeTimeout = Math.max(1, graceMs); // 0 would mean the 30 s default
      srv.close(() => resolve());
    });
  const server = createListener('mx');
  let stopping: Promise<void> | null = null;
  const submissionServer = config.submission ? createListener('submission') : null;
  let addr: AddressInfo;
  let subAddr: AddressInfo | null = null;
  try {
    addr = await listen(server, config.listen);
    if (submissionServer) subAddr = await listen(submissionServer, config.submission!.listen);
  } catch (err) {
    await close(server, 0).catch(() => {});
    await relay?.stop();
    await log?.close();
    throw err;
  }
  const deadline = watchCommandDeadline(
    [server, ...(submissionServer ? [submissionServer] : [])],
    (config.commandTimeoutSeconds ?? Math.min(30, config.idleTimeoutSeconds)) * 1000,
  );
  return {
    host: addr.address,
    port: addr.port,
    submission: subAddr ? { host: subAddr.address, port: subAddr.port } : null,
    tls: tlsMaterial ? { cert: tlsMaterial.cert.toString('utf8'), certFile: tlsMaterial.certFile, source: tlsMaterial.source } : null,
    config,
    events,
    counters: () => structuredClone(counters),
    layerState: (id) => layers.find((l) => l.def.id === id)?.state,
    openSessions: () => server.connections.size + (submissionServer?.connections.size ?? 0),
    stop: (graceMs = 30_000) => {
      // Called again while draining: end the remaining sessions now (421) and finish.
      if (stopping) {
        server.options.closeTimeout = 1;
        for (const srv of [server, submissionServer]) srv?.connections.forEach((c) => (c.send(421, 'Server shutting down'), c.close()));
        return stopping;
      }
      stopping = (async () => {
        await Promise.all([close(server, graceMs), submissionServer ? close(submissionServer, graceMs) : null]);
        // The listener can report closed just before the last sessions' onClose ran: let those
        // finish (their log lines and close hooks) before closing the log.
        for (const t0 = Date.now(); started.size > 0 && Date.now() - t0 < 2000; ) await new Promise((r) => setTimeout(r, 10));
        deadline.stop();
        await relay?.stop();
        await log?.close();
      })();
      return stopping;
    },
  };
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}
