// The reference gateway as the UI sees it: one gateway process at a time (started, stopped,
// its status and counters), the recent sessions with their decision traces, and the mail store.
import { join } from 'node:path';
import type { GatewaySessionView, GatewayStatus } from '../../shared/ipc-contract.js';
import type { GatewayProcess, GatewayStarted, SpawnGatewayProcess } from '../gateway-host/protocol.js';
import { ApiError } from './api-error.js';
import { parseConfigText } from './gateway-config-check.js';
import type { Emit } from './assessment-runner.js';

/** Sessions kept for the log view; older ones are in the gateway's JSON-lines log when set. */
const KEEP_SESSIONS = 500;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 2_000;

export class GatewayController {
  private proc: GatewayProcess | null = null;
  private info: GatewayStarted | null = null;
  private status: GatewayStatus = stopped();
  private readonly sessions: GatewaySessionView[] = [];
  private readonly traffics = new Map<number, { resolve: (stats: unknown) => void; reject: (e: Error) => void }>();
  private nextTrafficId = 1;

  constructor(
    private readonly spawn: SpawnGatewayProcess,
    private readonly dataDir: string,
    private readonly emit: Emit,
  ) {}

  current(): GatewayStatus {
    return this.status;
  }

  running(): GatewayStarted | null {
    return this.status.state === 'running' ? this.info : null;
  }

  recentSessions(): GatewaySessionView[] {
    return [...this.sessions];
  }

  /** The store the mailbox viewer reads: the running gateway's, else the last one's. */
  storeDir(): string {
    return this.status.storeDir ?? join(this.dataDir, 'gateway-store');
  }

  async start(req: { port: number; labDns: boolean; configText: string }): Promise<GatewayStatus> {
    if (this.proc) throw new ApiError(`the gateway is already ${this.status.state}`);
    const { config, issues } = parseConfigText(req.configText);
    if (issues.length) throw new ApiError(`the configuration is not valid: ${issues[0].path}: ${issues[0].message}`, issues);
    // parseConfigText refused file paths and other hosts; set them here whatever it let through.
    const submission = config.submission as { listen?: { port?: unknown } } | undefined;
    const full = {
      ...config,
      storeDir: join(this.dataDir, 'gateway-store'),
      log: undefined,
      tls: { ...(config.tls as object | undefined), key: undefined, cert: undefined },
      listen: { host: '127.0.0.1', port: req.port },
      ...(submission ? { submission: { ...submission, listen: { ...submission.listen, host: '127.0.0.1' } } } : {}),
    };
    const proc = this.spawn();
    this.proc = proc;
    this.sessions.length = 0;
    this.set({ ...stopped(), state: 'starting' });
    const started = new Promise<GatewayStatus>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new ApiError(`the gateway did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      proc.onMessage((m) => {
        switch (m.type) {
          case 'started':
            clearTimeout(timer);
            this.info = m.info;
            this.set({ state: 'running', host: m.info.host, port: m.info.port, domains: m.info.domains, labDns: m.info.labDns, storeDir: m.info.storeDir, counters: {}, error: null });
            resolve(this.status);
            break;
          case 'failed':
            clearTimeout(timer);
            proc.kill();
            reject(new ApiError(`the gateway did not start: ${m.error}`));
            break;
          case 'session':
            this.sessions.push(m.session);
            if (this.sessions.length > KEEP_SESSIONS) this.sessions.splice(0, this.sessions.length - KEEP_SESSIONS);
            this.emit('onDidGatewaySession', m.session);
            break;
          case 'counters':
            this.set({ ...this.status, counters: m.counters });
            break;
          case 'traffic-done': {
            const t = this.traffics.get(m.id);
            this.traffics.delete(m.id);
            if (m.error) t?.reject(new ApiError(`traffic: ${m.error}`));
            else t?.resolve(m.stats);
            break;
          }
          case 'stopped':
            break;
        }
      });
      proc.onExit((code) => {
        clearTimeout(timer);
        reject(new ApiError(`the gateway process exited (code ${code}) before starting`));
        // A failed start's process that exits late must not touch a gateway started since.
        if (this.proc !== proc) return;
        for (const t of this.traffics.values()) t.reject(new ApiError('the gateway stopped'));
        this.traffics.clear();
        const wasRunning = this.status.state === 'running';
        this.proc = null;
        this.info = null;
        this.set({ ...this.status, state: wasRunning ? 'failed' : 'stopped', host: null, port: null, labDns: null, error: wasRunning ? `the gateway process exited (code ${code})` : this.status.error });
      });
    });
    proc.send({ type: 'start', config: full, lab: req.labDns });
    try {
      return await started;
    } catch (err) {
      proc.kill();
      if (this.proc !== proc) throw err;
      this.proc = null;
      this.set({ ...stopped(), state: 'failed', error: (err as Error).message });
      throw err;
    }
  }

  async stop(): Promise<GatewayStatus> {
    const proc = this.proc;
    if (!proc) return this.status;
    this.set({ ...this.status, state: 'stopping' });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        proc.kill();
        resolve();
      }, STOP_GRACE_MS + 5_000);
      proc.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      proc.send({ type: 'stop', graceMs: STOP_GRACE_MS });
    });
    if (this.proc !== proc) return this.status;
    this.proc = null;
    this.info = null;
    this.set({ ...this.status, state: 'stopped', host: null, port: null, labDns: null, error: null });
    return this.status;
  }

  /** Runs the lab traffic generator in the gateway's process; resolves with its statistics. */
  traffic(messages: number): Promise<unknown> {
    const g = this.running();
    if (!g || !this.proc) return Promise.reject(new ApiError('start the gateway first: the traffic goes to it'));
    if (!g.xclient) return Promise.reject(new ApiError('the traffic generator presents its senders with XCLIENT: start the gateway with the lab DNS'));
    const id = this.nextTrafficId++;
    const domain = g.domains[0] ?? 'lab.test';
    const done = new Promise<unknown>((resolve, reject) => this.traffics.set(id, { resolve, reject }));
    this.proc.send({ type: 'traffic', id, messages, domain, users: [`alice@${domain}`, `bob@${domain}`] });
    return done;
  }

  /** On shutdown: the gateway never outlives main. */
  kill(): void {
    this.proc?.kill();
    this.proc = null;
  }

  private set(s: GatewayStatus): void {
    this.status = s;
    this.emit('onDidGatewayStatus', s);
  }
}

const stopped = (): GatewayStatus => ({ state: 'stopped', host: null, port: null, domains: [], labDns: null, storeDir: null, counters: {}, error: null });
