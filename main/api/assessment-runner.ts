// Runs assessments for the UI: the real probe engine, progress and the live transcript batched
// into events (so a chatty server cannot flood the renderer), cancellation, and the result
// saved in the engagement. Several runs may go at once; each has its own AbortController.
import { runProbe, selectChecks, UnknownCheckError, type HostPort, type ProbeProgress } from '../probe/engine.js';
import { registry } from '../probe/registry.js';
import { resolveMx } from '../dns/mx.js';
import { parseTarget } from '../probe/target.js';
import { parseRblZones } from '../dns/dnsbl/zones.js';
import { createResolver, parseDnsServer } from '../net/resolver.js';
import { defaultTimeouts } from '../net/smtp-client.js';
import { defaultProbeOptions, probeOptions } from '../probe/default-options.js';
import type { CheckDefinition } from '../probe/define-check.js';
import type { ParsedRequestOf, ProgressEvent, EventName, EventOf } from '../../shared/ipc-contract.js';
import { formatEntry, type Direction } from '../net/transcript.js';
import { ApiError } from './api-error.js';
import { newId, type EngagementStore } from './engagement-store.js';

export type Emit = <E extends EventName>(event: E, payload: EventOf<E>) => void;

/** Flush interval of the batched progress and transcript events. */
const FLUSH_MS = 100;
/** Transcript lines pushed per run; the full transcript is in the findings' evidence. */
const MAX_LIVE_LINES = 20_000;
/** Characters of one live line: enough to read, never a megabyte banner in the DOM. */
const MAX_LIVE_LINE_CHARS = 500;

export class AssessmentRunner {
  private readonly runs = new Map<string, AbortController>();

  constructor(
    private readonly store: EngagementStore,
    private readonly emit: Emit,
  ) {}

  /** Validates and starts; resolves once started with the run id (the result comes as an event). */
  async start(req: ParsedRequestOf<'mxaudit:assessments.run'>): Promise<{ runId: string; done: Promise<void> }> {
    const engagement = await this.store.read(req.engagementId);
    let dns: string[];
    try {
      dns = req.resolver.map(parseDnsServer);
    } catch (err) {
      throw new ApiError((err as Error).message, [{ path: 'resolver', message: (err as Error).message }]);
    }
    let rblZones: string[];
    try {
      rblZones = [...new Set(req.rblZones.flatMap(parseRblZones))];
    } catch (err) {
      throw new ApiError((err as Error).message, [{ path: 'rblZones', message: (err as Error).message }]);
    }
    if (req.caPem && !req.caPem.includes('-----BEGIN CERTIFICATE-----')) throw new ApiError('the CA bundle is not PEM certificates', [{ path: 'caPem', message: 'expected PEM certificates' }]);
    const targets: HostPort[] = [];
    for (const spec of req.hosts) {
      try {
        const explicitPort = /:\d+$/.test(spec) && !/^[^[]*:.*:/.test(spec);
        const t = parseTarget(spec, req.ports[0]);
        targets.push(...(explicitPort ? [t] : req.ports.map((port) => ({ ...t, port }))));
      } catch (err) {
        throw new ApiError((err as Error).message, [{ path: 'hosts', message: (err as Error).message }]);
      }
    }
    try {
      if (req.checks.length) selectChecks(registry, req.checks);
    } catch (err) {
      if (err instanceof UnknownCheckError) throw new ApiError(err.message, [{ path: 'checks', message: err.message }]);
      throw err;
    }
    const commandMs = Math.min(req.commandTimeoutMs ?? defaultTimeouts.commandMs, req.timeoutMs ?? Infinity);
    const options = probeOptions({
      authorized: req.authorized,
      validRcpt: req.validRcpt,
      relayCanary: req.relayCanary || null,
      ca: req.caPem || null,
      timeouts: { connectMs: Math.min(defaultTimeouts.connectMs, commandMs), commandMs, sessionMs: req.timeoutMs ?? defaultTimeouts.sessionMs },
      checkTimeoutMs: req.timeoutMs,
      harvest: { ...defaultProbeOptions.harvest },
      rblZones,
      rblOnly: req.rblOnly,
    });
    const runId = newId();
    const controller = new AbortController();
    this.runs.set(runId, controller);
    const batch = new EventBatch(runId, this.emit);
    const domain = req.domain.replace(/\.$/, '').toLowerCase() || null;
    const done = (async () => {
      let assessmentId: string | null = null;
      let error: string | null = null;
      try {
        const resolver = createResolver(dns);
        if (targets.length === 0 && domain) {
          const set = await resolveMx(resolver, domain);
          for (const h of set.hosts) for (const address of h.addresses) for (const port of req.ports) targets.push({ host: h.exchange, port, address });
          batch.progress({ type: 'note', host: domain, port: 0, message: `MX of ${domain}: ${set.hosts.map((h) => `${h.priority} ${h.exchange} (${h.addresses.join(', ') || 'no address'})`).join('; ') || set.error || (set.nullMx ? 'null MX' : 'none')}` });
        }
        const { unreachable: _unreachable, ...assessment } = await runProbe({
          targets,
          domain,
          checks: req.checks.length ? req.checks : undefined,
          options,
          resolver,
          signal: controller.signal,
          onProgress: (ev) => batch.progress(toProgressEvent(ev)),
          checkDefinitions: registry.map((def) => tapTranscript(def, batch)),
        });
        const cancelled = controller.signal.aborted;
        assessmentId = await this.store.saveAssessment(engagement.id, {
          ...assessment,
          engagement: { name: engagement.name, client: engagement.client, ...(engagement.consultant ? { consultant: engagement.consultant } : {}) },
          ...(cancelled ? { cancelled: true } : {}),
        });
      } catch (err) {
        error = (err as Error).message || String(err);
      } finally {
        this.runs.delete(runId);
        batch.close();
        this.emit('onDidFinishAssessment', { runId, engagementId: engagement.id, assessmentId, cancelled: controller.signal.aborted, error });
      }
    })();
    return { runId, done };
  }

  cancel(runId: string): boolean {
    const c = this.runs.get(runId);
    c?.abort(new Error('cancelled by user'));
    return !!c;
  }

  cancelAll(): void {
    for (const c of this.runs.values()) c.abort(new Error('shutting down'));
  }
}

function toProgressEvent(ev: ProbeProgress): ProgressEvent {
  switch (ev.type) {
    case 'host-start':
      return { type: ev.type, host: ev.host, port: ev.port, message: ev.addresses.join(', ') || 'unresolved' };
    case 'check-start':
      return { type: ev.type, host: ev.host, port: ev.port, checkId: ev.checkId };
    case 'check-progress':
      return { type: ev.type, host: ev.host, port: ev.port, checkId: ev.checkId, message: ev.message.slice(0, MAX_LIVE_LINE_CHARS) };
    case 'check-end':
      return { type: ev.type, host: ev.host, port: ev.port, checkId: ev.checkId, status: ev.status, durationMs: ev.durationMs, reason: ev.reason };
  }
}

/** The same check, with its transcript lines copied to the live view as they are recorded. */
function tapTranscript(def: CheckDefinition, batch: EventBatch): CheckDefinition {
  return {
    ...def,
    run: (ctx) => {
      const t = ctx.transcript;
      const add = t.add.bind(t);
      t.add = (dir: Direction, text: string) => {
        add(dir, text);
        const last = t.entries[t.entries.length - 1];
        if (last) batch.line(def.id, ctx.target.host, ctx.target.port, formatEntry(last));
      };
      return def.run(ctx);
    },
  };
}

class EventBatch {
  private progressQueue: ProgressEvent[] = [];
  private lines: EventOf<'onDidTranscript'>['lines'] = [];
  private sent = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runId: string,
    private readonly emit: Emit,
  ) {}

  progress(ev: ProgressEvent): void {
    this.progressQueue.push(ev);
    this.schedule();
  }

  line(checkId: string, host: string, port: number, line: string): void {
    if (this.sent >= MAX_LIVE_LINES) return;
    this.sent++;
    const cut = line.length > MAX_LIVE_LINE_CHARS ? `${line.slice(0, MAX_LIVE_LINE_CHARS)} [...]` : line;
    this.lines.push({ checkId, host, port, line: cut });
    if (this.sent === MAX_LIVE_LINES) this.lines.push({ checkId, host, port, line: '** live transcript limit reached; the full record is in the evidence' });
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    if (this.progressQueue.length) this.emit('onDidProgress', { runId: this.runId, events: this.progressQueue.splice(0) });
    if (this.lines.length) this.emit('onDidTranscript', { runId: this.runId, lines: this.lines.splice(0) });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.flush();
  }
}
