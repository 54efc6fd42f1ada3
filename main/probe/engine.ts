// Runs checks against targets. The engine owns failure: every check gets its own budget and
// AbortSignal; a throw or a timeout is an `error` result with its reason, and the run goes on.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  SCHEMA_VERSION,
  severityRank,
  type Assessment,
  type CheckRun,
  type CheckStatus,
  type Finding,
  type HostFacts,
  type HostResult,
  type DomainFacts,
} from '../../shared/assessment.js';
import { SmtpSession } from '../net/smtp-client.js';
import { Transcript } from '../net/transcript.js';
import type { DnsResolver } from '../net/resolver.js';
import type { CheckDefinition, CheckResult, RaisedFinding } from './define-check.js';
import type { Clock, ProbeContext, ProbeOptions, ProbeTarget } from './context.js';
import { registry } from './registry.js';
import { toolVersion } from '../version.js';

export type ProbeProgress =
  | { type: 'host-start'; host: string; port: number; addresses: string[] }
  | { type: 'check-start'; host: string; port: number; checkId: string }
  | { type: 'check-progress'; host: string; port: number; checkId: string; message: string }
  | { type: 'check-end'; host: string; port: number; checkId: string; status: CheckStatus; durationMs: number; reason?: string };

export interface HostPort {
  host: string;
  port: number;
  /** Address to connect to, when the caller already resolved it (MX expansion probes each address). */
  address?: string;
}

export interface RunProbeInput {
  targets: HostPort[];
  domain: string | null;
  /** Check ids to run; all registered checks when absent. */
  checks?: string[];
  options: ProbeOptions;
  resolver: DnsResolver;
  clock?: Clock;
  signal?: AbortSignal;
  onProgress?: (ev: ProbeProgress) => void;
  checkDefinitions?: readonly CheckDefinition[];
  /** Set by the engine for host checks: what the domain checks found. */
  domainFacts?: DomainFacts;
}

export class UnknownCheckError extends Error {}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** SMTPS (RFC 8314): TLS from the first byte. */
const IMPLICIT_TLS_PORT = 465;

/** Concurrent checks per host; a mail server should not see a burst from a tester. */
const HOST_CONCURRENCY = 3;

export async function runProbe(input: RunProbeInput): Promise<Assessment & { unreachable: string[] }> {
  const defs = input.checkDefinitions ?? registry;
  const selected = selectChecks(defs, input.checks);
  const clock = input.clock ?? systemClock;
  const startedAt = new Date().toISOString();
  const checks: CheckRun[] = [];
  const findings: Finding[] = [];
  const hosts: HostResult[] = [];
  const unreachable: string[] = [];
  const domainFacts: DomainFacts = {};
  const record = (def: CheckDefinition, target: ProbeTarget, run: CheckRun, result: CheckResult | null, facts: HostFacts | DomainFacts) => {
    checks.push(run);
    // Several checks fill parts of one fact (tls.protocols, tls.certificate): merge one level deep.
    for (const [key, value] of Object.entries(result?.facts ?? {})) {
      const prev = (facts as Record<string, unknown>)[key];
      (facts as Record<string, unknown>)[key] = isRecord(prev) && isRecord(value) ? { ...prev, ...value } : value;
    }
    for (const raised of result?.findings ?? []) findings.push(toFinding(def, target, raised));
  };

  // Domain checks (DNS records of the mail domain) run once before the hosts; summary checks
  // (comparisons across hosts) once after them. Both report against the domain, port 0.
  const runOnce = async (def: CheckDefinition, extra: Partial<ProbeContext> = {}) => {
    const target: ProbeTarget = { host: input.domain ?? 'all hosts', port: 0, address: '', domain: input.domain };
    const where = { host: target.host, port: 0 };
    if (!input.domain && def.scope === 'domain') {
      checks.push({ id: def.id, ...where, status: 'skipped', durationMs: 0, reason: 'no domain: give --domain' });
      return;
    }
    input.onProgress?.({ type: 'check-start', ...where, checkId: def.id });
    const { run, result } = await runCheck(def, target, { ...input, domainFacts }, clock, extra);
    record(def, target, run, result, domainFacts);
    input.onProgress?.({ type: 'check-end', ...where, checkId: def.id, status: run.status, durationMs: run.durationMs, reason: run.reason });
  };
  for (const def of selected.filter((d) => d.scope === 'domain')) await runOnce(def);
  const checkInput: RunProbeInput = { ...input, domainFacts };

  const hostChecks = selected.filter((d) => !d.scope || d.scope === 'host');
  for (const hp of hostChecks.length ? input.targets : []) {
    const facts: HostFacts = {};
    let addresses: string[] = [];
    let problem: string | null = null;
    try {
      addresses = hp.address ? [hp.address] : await input.resolver.resolveAddresses(hp.host);
      if (addresses.length === 0) problem = `${hp.host} has no A or AAAA record`;
    } catch (err) {
      problem = `cannot resolve ${hp.host}: ${(err as Error).message}`;
    }
    if (!problem) problem = await tcpReachable(addresses[0], hp.port, input.options.timeouts.connectMs, input.signal);
    hosts.push({ host: hp.host, port: hp.port, addresses, facts });
    input.onProgress?.({ type: 'host-start', host: hp.host, port: hp.port, addresses });
    if (problem) {
      unreachable.push(`${hp.host}:${hp.port}: ${problem}`);
      for (const def of hostChecks) checks.push({ id: def.id, host: hp.host, port: hp.port, status: 'error', durationMs: 0, reason: `unreachable: ${problem}` });
      continue;
    }
    const target: ProbeTarget = { host: hp.host, port: hp.port, address: addresses[0], domain: input.domain };
    const where = { host: hp.host, port: hp.port };
    const runOne = async (def: CheckDefinition) => {
      input.onProgress?.({ type: 'check-start', ...where, checkId: def.id });
      const { run, result } = await runCheck(def, target, checkInput, clock);
      record(def, target, run, result, facts);
      input.onProgress?.({ type: 'check-end', ...where, checkId: def.id, status: run.status, durationMs: run.durationMs, reason: run.reason });
    };
    await runLimited(hostChecks.filter((d) => !d.exclusive), HOST_CONCURRENCY, runOne);
    for (const def of hostChecks.filter((d) => d.exclusive)) await runOne(def);
  }

  for (const def of selected.filter((d) => d.scope === 'summary')) await runOnce(def, { hosts });

  const order = new Map(selected.map((d, i) => [d.id, i]));
  checks.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  findings.sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || a.id.localeCompare(b.id));
  const first = hosts[0];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mxaudit', version: toolVersion },
    target: {
      host: first?.host ?? '',
      port: first?.port ?? 25,
      addresses: first?.addresses ?? [],
      domain: input.domain,
    },
    options: {
      authorized: input.options.authorized,
      helo: input.options.helo,
      checks: selected.map((d) => d.id),
      resolver: input.resolver.servers,
      timeoutMs: input.options.checkTimeoutMs ?? Math.max(...selected.map((d) => d.timeoutMs), 0),
    },
    startedAt,
    finishedAt: new Date().toISOString(),
    checks,
    findings,
    facts: first?.facts ?? {},
    hosts,
    domainFacts,
    unreachable,
  };
}

/** Check ids or whole categories (`smtp`, `dns`, `tls`), in registry order. */
export function selectChecks(defs: readonly CheckDefinition[], ids?: string[]): CheckDefinition[] {
  if (!ids || ids.length === 0) return [...defs];
  const unknown = ids.filter((id) => !defs.some((d) => d.id === id || d.category === id));
  if (unknown.length) {
    const categories = [...new Set(defs.map((d) => d.category))];
    throw new UnknownCheckError(`unknown check(s): ${unknown.join(', ')}; available: ${defs.map((d) => d.id).join(', ')} or a category: ${categories.join(', ')}`);
  }
  return defs.filter((d) => ids.includes(d.id) || ids.includes(d.category));
}

async function runCheck(
  def: CheckDefinition,
  target: ProbeTarget,
  input: RunProbeInput,
  clock: Clock,
  extra: Partial<ProbeContext> = {},
): Promise<{ run: CheckRun; result: CheckResult | null }> {
  const base = { id: def.id, host: target.host, port: target.port, ...(target.address ? { address: target.address } : {}) };
  const started = clock.now();
  if (def.active && !input.options.authorized) {
    return { run: { ...base, status: 'skipped', durationMs: 0, reason: 'active check: run with --i-am-authorized to allow it' }, result: null };
  }
  const budget = Math.min(def.timeoutMs, input.options.checkTimeoutMs ?? Infinity);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(new Error('cancelled'));
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (input.signal?.aborted) controller.abort(new Error('cancelled'));
  const transcript = new Transcript(clock.now);
  const ctx: ProbeContext = {
    ...extra,
    target,
    options: input.options,
    transcript,
    resolver: input.resolver,
    clock,
    signal: controller.signal,
    progress: (message) => input.onProgress?.({ type: 'check-progress', host: target.host, port: target.port, checkId: def.id, message }),
    randomToken: (n) => randomToken(n),
    domainFacts: input.domainFacts ?? {},
    connect: (overrides = {}) =>
      SmtpSession.connect({
        host: target.address,
        port: target.port,
        servername: net.isIP(target.host) ? undefined : target.host,
        transcript,
        now: clock.now,
        signal: controller.signal,
        timeouts: input.options.timeouts,
        ca: input.options.ca ?? undefined,
        implicitTls: overrides.implicitTls ?? target.port === IMPLICIT_TLS_PORT,
        tls: overrides.tls,
      }),
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), budget);
  });
  const running = Promise.resolve().then(() => def.run(ctx));
  running.catch(() => {}); // settled below or abandoned after a timeout; never unhandled
  try {
    const outcome = await Promise.race([running, timedOut]);
    if (outcome === 'timeout') {
      controller.abort(new Error(`timed out after ${budget} ms`));
      return { run: { ...base, status: 'error', durationMs: clock.now() - started, reason: `inconclusive: check timed out after ${budget} ms` }, result: { facts: {} } };
    }
    return { run: { ...base, ...statusOf(def, outcome), durationMs: clock.now() - started }, result: outcome };
  } catch (err) {
    const reason = controller.signal.aborted && input.signal?.aborted ? 'cancelled' : `inconclusive: ${(err as Error).message ?? String(err)}`;
    return { run: { ...base, status: 'error', durationMs: clock.now() - started, reason }, result: { findings: [], facts: {} } };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onOuterAbort);
    controller.abort(new Error('check finished')); // closes any socket the check left open
  }
}

function statusOf(def: CheckDefinition, r: CheckResult): { status: CheckStatus; reason?: string } {
  if (r.inconclusive) return { status: 'error', reason: `inconclusive: ${r.inconclusive}` };
  if (r.notApplicable && !r.findings?.length) return { status: 'skipped', reason: r.notApplicable };
  const worst = Math.max(-1, ...(r.findings ?? []).map((f) => severityRank[f.severity ?? def.outcomes[f.outcome].severity]));
  if (worst >= severityRank.medium) return { status: 'fail' };
  if (worst >= severityRank.low) return { status: 'warn' };
  return { status: 'pass' };
}

function toFinding(def: CheckDefinition, target: ProbeTarget, raised: RaisedFinding<string>): Finding {
  const o = def.outcomes[raised.outcome];
  if (!o) throw new Error(`check ${def.id} raised unknown outcome ${raised.outcome}`);
  return {
    id: raised.outcome,
    checkId: def.id,
    host: target.host,
    port: target.port,
    ...(target.address ? { address: target.address } : {}),
    severity: raised.severity ?? o.severity,
    title: o.title,
    description: raised.detail ? `${o.description} ${raised.detail}` : o.description,
    evidence: raised.evidence,
    remediation: o.remediation,
    references: [...def.references, ...(o.references ?? [])],
  };
}

async function tcpReachable(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    const done = (problem: string | null) => {
      clearTimeout(t);
      s.destroy();
      resolve(problem);
    };
    const t = setTimeout(() => done(`no TCP connection to ${address}:${port} within ${timeoutMs} ms`), timeoutMs);
    s.once('connect', () => done(null));
    s.once('error', (e: NodeJS.ErrnoException) => done(`cannot connect to ${address}:${port}: ${e.code ?? e.message}`));
    signal?.addEventListener('abort', () => done('cancelled'), { once: true });
  });
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  });
  await Promise.all(workers);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function randomToken(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}
