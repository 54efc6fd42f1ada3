// `lab --traffic`: plays the mixed stream of traffic-plan.ts through a gateway, presenting each
// sender's address with XCLIENT, then tallies per-layer statistics like the talk's one-day
// figures. Every attempt ends in exactly one outcome. With the gateway's event emitter (the
// lab runs it in-process) each outcome names the layer that decided, read from the gateway's
// own decisions: sessions are told apart by a unique EHLO name.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SmtpError, SmtpSession } from '../net/smtp-client.js';
import { Transcript } from '../net/transcript.js';
import { replyText } from '../net/smtp-reply.js';
import type { Gateway } from '../gateway/server.js';
import type { Decision, GatewaySession } from '../gateway/session.js';
import { LAB_ADDRESSES } from '../gateway/lab-zones.js';
import { defaultMix, planTransactions, scaledMix, trafficKinds, type PlannedTransaction, type TrafficKind, type TrafficMix } from './traffic-plan.js';
import { LAB_DOMAIN, LAB_USERS } from './lab-names.js';

export { defaultMix, trafficKinds, type TrafficKind, type TrafficMix };

/** delivered / junked / quarantined / dropped (accepted, then deleted) / refused:<layer> / error. */
export type Outcome = string;

export interface TrafficAttempt {
  kind: TrafficKind;
  source: string;
  from: string;
  to: string;
  /** What the client saw: the deciding reply, or why there was none. */
  stage: 'connect' | 'mail' | 'rcpt' | 'data';
  code: number | null;
  reply: string;
  outcome: Outcome;
}

export interface TrafficStats {
  attempts: number;
  /** Outcome -> attempts; each attempt is in exactly one. */
  outcomes: Record<Outcome, number>;
  /** Layer -> attempts it refused ('listener': the gateway's listener rules; 'smtp-engine': untraced refusals). */
  refusedBy: Record<string, number>;
  /** Kind -> outcome -> attempts. */
  byKind: Record<string, Record<Outcome, number>>;
  durationMs: number;
}

export interface TrafficResult {
  stats: TrafficStats;
  attempts: TrafficAttempt[];
}

export interface TrafficOptions {
  /** Our domain at the target and valid recipients there (default: the lab's). */
  domain?: string;
  users?: string[];
  mix?: Partial<TrafficMix>;
  /** About this many attempts: the default mix scaled to it (ignored when `mix` is given). */
  messages?: number;
  /** Parallel sessions of the harvest run (the tarpit would make it last minutes otherwise). */
  harvestConcurrency?: number;
  /** The gateway's events, to name the deciding layer of each attempt. */
  gateway?: Pick<Gateway, 'events'>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, kind: TrafficKind) => void;
}

const REFUSALS = new Set(['reject', 'tempfail', 'disconnect']);
/** Refusals the gateway did not trace (smtp-server's own checks): they have no counter. */
export const UNTRACED = 'smtp-engine';

export async function runTraffic(target: { host: string; port: number }, opts: TrafficOptions): Promise<TrafficResult> {
  const started = performance.now();
  const mix = opts.mix ? { ...defaultMix, ...opts.mix } : opts.messages ? scaledMix(opts.messages) : defaultMix;
  const domain = opts.domain ?? LAB_DOMAIN;
  const users = opts.users?.length ? opts.users : LAB_USERS;
  const tag = randomBytes(3).toString('hex');
  const heloOf = (n: number) => `traffic-${tag}-${n}.mxaudit.test`;
  const seen = watchGateway(opts.gateway, `traffic-${tag}-`);
  const attempts: TrafficAttempt[] = [];
  const planned = planTransactions({ domain, users, mix });
  const total = planned.length + Math.max(0, mix.harvest);
  try {
    let n = 0;
    for (const t of planned) {
      if (opts.signal?.aborted) break;
      const helo = heloOf(n++);
      const seenByClient = await playTransaction(target, t, helo, opts.signal);
      attempts.push({ kind: t.kind, source: t.source, from: t.from, to: t.rcpts.join(', '), ...seenByClient, outcome: transactionOutcome(seen.of(helo), seenByClient.code) });
      opts.onProgress?.(attempts.length, total, t.kind);
    }
    if (mix.harvest > 0 && !opts.signal?.aborted) {
      const runs = await harvestRun(target, domain, mix.harvest, opts.harvestConcurrency ?? 8, () => heloOf(n++), opts.signal);
      for (const { helo, rcpts } of runs) {
        const decisions = seen.of(helo).decisions.filter((d) => d.phase === 'rcpt' && d.action !== 'note');
        rcpts.forEach((r, i) => {
          const d = decisions[i];
          const outcome = !opts.gateway ? clientOutcome(r.code) : d ? (REFUSALS.has(d.action) ? `refused:${d.layer}` : 'accepted') : 'error';
          attempts.push({ kind: 'harvest', source: LAB_ADDRESSES.harvester, from: 'probe@harvest.example', to: r.to, stage: 'rcpt', code: r.code, reply: r.reply, outcome });
          opts.onProgress?.(attempts.length, total, 'harvest');
        });
      }
    }
  } finally {
    seen.stop();
  }
  return { attempts, stats: tally(attempts, performance.now() - started) };
}

function tally(attempts: TrafficAttempt[], durationMs: number): TrafficStats {
  const stats: TrafficStats = { attempts: attempts.length, outcomes: {}, refusedBy: {}, byKind: {}, durationMs: Math.round(durationMs) };
  for (const a of attempts) {
    stats.outcomes[a.outcome] = (stats.outcomes[a.outcome] ?? 0) + 1;
    if (a.outcome.startsWith('refused:')) {
      const layer = a.outcome.slice('refused:'.length);
      stats.refusedBy[layer] = (stats.refusedBy[layer] ?? 0) + 1;
    }
    const k = (stats.byKind[a.kind] ??= {});
    k[a.outcome] = (k[a.outcome] ?? 0) + 1;
  }
  return stats;
}

/** Without the gateway's decisions: what the replies say. */
const clientOutcome = (code: number | null) => (code === null ? 'error' : code < 400 ? 'accepted' : 'refused:unknown layer');

interface SessionSeen {
  decisions: Decision[];
  folders: string[];
}

/** Collects the gateway's decisions and stored folders per session whose EHLO name has our prefix. */
function watchGateway(gateway: Pick<Gateway, 'events'> | undefined, prefix: string) {
  const bySession = new Map<string, SessionSeen>();
  const entry = (s: GatewaySession) => {
    if (!s.helo?.startsWith(prefix)) return null;
    let e = bySession.get(s.helo);
    if (!e) bySession.set(s.helo, (e = { decisions: [], folders: [] }));
    return e;
  };
  const onDecision = (s: GatewaySession, d: Decision) => entry(s)?.decisions.push(d);
  const onStored = (s: GatewaySession, paths: string[]) => {
    const e = entry(s);
    for (const p of paths) e?.folders.push(/[\\/](inbox|junk|quarantine)[\\/]/.exec(p)?.[1] ?? 'inbox');
  };
  gateway?.events.on('decision', onDecision);
  gateway?.events.on('stored', onStored);
  return {
    enabled: !!gateway,
    of: (helo: string): SessionSeen & { enabled: boolean } => ({ enabled: !!gateway, ...(bySession.get(helo) ?? { decisions: [], folders: [] }) }),
    stop: () => {
      gateway?.events.off('decision', onDecision);
      gateway?.events.off('stored', onStored);
    },
  };
}

/** The first refusal decides; else the DATA acceptance and where the message was filed. */
function transactionOutcome(seen: SessionSeen & { enabled: boolean }, clientCode: number | null): Outcome {
  if (!seen.enabled) return clientOutcome(clientCode);
  const refusal = seen.decisions.find((d) => REFUSALS.has(d.action));
  if (refusal) return `refused:${refusal.layer}`;
  const data = seen.decisions.find((d) => d.phase === 'data' && d.action === 'accept');
  if (data) {
    const folder = seen.folders[0];
    return folder === 'inbox' ? 'delivered' : folder === 'junk' ? 'junked' : folder === 'quarantine' ? 'quarantined' : 'dropped';
  }
  // Refused with no decision traced by the gateway: smtp-server's own checks (SIZE= over the
  // limit at MAIL is answered before any handler of ours runs).
  if (clientCode !== null && clientCode >= 400) return `refused:${UNTRACED}`;
  return 'error';
}

type Observed = Pick<TrafficAttempt, 'stage' | 'code' | 'reply'>;

/** Connect, EHLO, XCLIENT, EHLO again; the session, or the reply that stopped it. */
async function openAs(target: { host: string; port: number }, source: string, helo: string, signal?: AbortSignal): Promise<{ session: SmtpSession; size: number | null } | Observed> {
  const session = await SmtpSession.connect({ host: target.host, port: target.port, transcript: new Transcript(() => performance.now()), now: () => performance.now(), signal });
  if (session.greeting.code !== 220) {
    session.close();
    return { stage: 'connect', code: session.greeting.code, reply: replyText(session.greeting) };
  }
  await session.ehlo(helo);
  const x = await session.command(`XCLIENT ADDR=${source} NAME=[UNAVAILABLE]`);
  if (x.code !== 220) {
    await session.quit();
    return { stage: 'connect', code: x.code, reply: `XCLIENT refused: ${replyText(x)}` };
  }
  const ehlo = await session.ehlo(helo);
  return { session, size: ehlo.facts.size };
}

const observed = (stage: Observed['stage'], r: { code: number } & Parameters<typeof replyText>[0]): Observed => ({ stage, code: r.code, reply: replyText(r) });

async function playTransaction(target: { host: string; port: number }, t: PlannedTransaction, helo: string, signal?: AbortSignal): Promise<Observed> {
  let opened;
  try {
    opened = await openAs(target, t.source, helo, signal);
  } catch (err) {
    return { stage: 'connect', code: null, reply: `(${(err as Error).message})` };
  }
  if (!('session' in opened)) return opened;
  const { session, size } = opened;
  let stage: Observed['stage'] = 'mail';
  try {
    const sizeParam = t.declaredSize ? ` SIZE=${size ? size + 1 : 2 ** 31}` : '';
    const mail = await session.command(`MAIL FROM:<${t.from}>${sizeParam}`);
    if (mail.code >= 400) return observed('mail', mail);
    stage = 'rcpt';
    let last = mail;
    for (const rcpt of t.rcpts) {
      last = await session.command(`RCPT TO:<${rcpt}>`);
      if (last.code >= 400) return observed('rcpt', last);
    }
    if (t.body === undefined) return observed('rcpt', last);
    stage = 'data';
    return observed('data', await session.data(t.body));
  } catch (err) {
    if (err instanceof SmtpError && err.reply) return observed(stage, err.reply);
    return { stage, code: null, reply: `(${(err as Error).message})` };
  } finally {
    await session.quit().catch(() => {});
  }
}

interface HarvestSession {
  helo: string;
  rcpts: { to: string; code: number | null; reply: string }[];
}

/**
 * Guessed recipients from one outside address, over parallel sessions, until all are tried or
 * the gateway cuts the harvester off (421). Every RCPT answered is one attempt.
 */
async function harvestRun(target: { host: string; port: number }, domain: string, count: number, concurrency: number, nextHelo: () => string, signal?: AbortSignal): Promise<HarvestSession[]> {
  const tag = randomBytes(3).toString('hex');
  const names = Array.from({ length: count }, (_, i) => `h${tag}${i}@${domain}`);
  let next = 0;
  let cut = false;
  const sessions: HarvestSession[] = [];
  const worker = async () => {
    while (next < names.length && !cut && !signal?.aborted) {
      const run: HarvestSession = { helo: nextHelo(), rcpts: [] };
      sessions.push(run);
      let opened;
      try {
        opened = await openAs(target, LAB_ADDRESSES.harvester, run.helo, signal);
      } catch {
        return;
      }
      if (!('session' in opened)) return;
      const { session } = opened;
      try {
        const mail = await session.command('MAIL FROM:<probe@harvest.example>');
        if (mail.code >= 400) return;
        while (next < names.length && !cut && !session.closedReason) {
          const to = names[next++];
          const r = await session.command(`RCPT TO:<${to}>`);
          run.rcpts.push({ to, code: r.code, reply: replyText(r) });
          if (r.code === 421) cut = true;
        }
      } catch (err) {
        if (!(err instanceof SmtpError)) throw err;
        if (err.reply) cut = cut || err.reply.code === 421;
      } finally {
        await session.quit().catch(() => {});
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return sessions;
}

/**
 * Checks the statistics against the gateway's own counters over the same period (a snapshot
 * before, one after): refusals per layer, and the messages accepted at DATA. Returns the
 * differences; empty when everything matches. Refusals the gateway did not trace (UNTRACED:
 * smtp-server's own SIZE check at MAIL) have no counter and are left out.
 */
export function reconcile(stats: TrafficStats, before: Record<string, Record<string, number>>, after: Record<string, Record<string, number>>): string[] {
  const diff = (layer: string, key: string) => (after[layer]?.[key] ?? 0) - (before[layer]?.[key] ?? 0);
  const problems: string[] = [];
  const layers = new Set([...Object.keys(after), ...Object.keys(stats.refusedBy)].filter((l) => l !== UNTRACED));
  for (const layer of layers) {
    const keys = Object.keys(after[layer] ?? {}).filter((k) => REFUSALS.has(k.split(':')[1]));
    const counted = keys.reduce((sum, k) => sum + diff(layer, k), 0);
    const ours = stats.refusedBy[layer] ?? 0;
    if (counted !== ours) problems.push(`${layer}: gateway counted ${counted} refusals, traffic ${ours}`);
  }
  const accepted = Object.keys(after).reduce((sum, layer) => sum + diff(layer, 'data:accept'), 0);
  const ours = ['delivered', 'junked', 'quarantined', 'dropped'].reduce((sum, o) => sum + (stats.outcomes[o] ?? 0), 0);
  if (accepted !== ours) problems.push(`accepted at DATA: gateway counted ${accepted}, traffic ${ours}`);
  return problems;
}

/** What the client's own replies say of an attempt, independently of the gateway's events. */
export type ClientClass = 'refused' | 'accepted-at-data' | 'accepted-at-rcpt' | 'no-reply';

export function clientClass(a: Pick<TrafficAttempt, 'stage' | 'code'>): ClientClass {
  if (a.code === null) return 'no-reply';
  if (a.code >= 400) return 'refused';
  return a.stage === 'data' ? 'accepted-at-data' : 'accepted-at-rcpt';
}

/** The class of reply each outcome implies. */
function expectedClass(outcome: Outcome): ClientClass {
  if (outcome.startsWith('refused:')) return 'refused';
  if (['delivered', 'junked', 'quarantined', 'dropped'].includes(outcome)) return 'accepted-at-data';
  if (outcome === 'accepted') return 'accepted-at-rcpt';
  return 'no-reply';
}

export const STORE_FOLDERS = ['inbox', 'junk', 'quarantine'] as const;
export type StoreCounts = Record<(typeof STORE_FOLDERS)[number], number>;

/** Messages on disk per folder (`<store>/<folder>/<recipient>/<id>.eml`; temporary files left out). */
export async function countStore(storeDir: string): Promise<StoreCounts> {
  const counts = { inbox: 0, junk: 0, quarantine: 0 };
  for (const folder of STORE_FOLDERS) {
    const boxes = await readdir(join(storeDir, folder), { withFileTypes: true }).catch(() => []);
    for (const box of boxes.filter((b) => b.isDirectory())) {
      const files = await readdir(join(storeDir, folder, box.name)).catch(() => []);
      counts[folder] += files.filter((f) => f.endsWith('.eml') && !f.startsWith('.')).length;
    }
  }
  return counts;
}

/**
 * The client-side evidence against the outcomes: each attempt's reply must be of the class its
 * outcome implies (a refusal was answered 4xx/5xx, a delivery 250 after DATA), and the messages
 * that appeared in the store over the run must be the delivered, junked and quarantined ones,
 * folder by folder (each attempt has one recipient). Returns the differences; empty when all agree.
 */
export function reconcileEvidence(attempts: TrafficAttempt[], storeBefore: StoreCounts, storeAfter: StoreCounts): string[] {
  const problems: string[] = [];
  for (const a of attempts) {
    const seen = clientClass(a);
    if (seen !== expectedClass(a.outcome)) problems.push(`${a.kind} to <${a.to}>: outcome ${a.outcome} but the client saw ${a.stage} ${a.code ?? 'no reply'} (${seen})`);
  }
  const accepted = attempts.filter((a) => clientClass(a) === 'accepted-at-data').length;
  const stored = STORE_FOLDERS.reduce((n, f) => n + storeAfter[f] - storeBefore[f], 0);
  const dropped = attempts.filter((a) => a.outcome === 'dropped').length;
  if (stored + dropped !== accepted) problems.push(`the client got 250 after DATA ${accepted} times, but ${stored} messages appeared in the store (and ${dropped} dropped)`);
  const folderOf: Record<string, (typeof STORE_FOLDERS)[number]> = { delivered: 'inbox', junked: 'junk', quarantined: 'quarantine' };
  for (const folder of STORE_FOLDERS) {
    const outcomes = attempts.filter((a) => folderOf[a.outcome] === folder).length;
    const files = storeAfter[folder] - storeBefore[folder];
    if (outcomes !== files) problems.push(`${folder}: ${outcomes} attempts filed there, ${files} new files on disk`);
  }
  return problems;
}
