// Optional external scoring engines for the spam filter: SpamAssassin's spamd and rspamd, asked
// in parallel, each bounded in size and time. An engine's score becomes an SCL by its own
// threshold: at the engine's "spam" score the SCL reaches the gateway threshold. An engine that
// fails, times out or is skipped (message too large) is reported and not counted; it never
// fails the message: the built-in score stands.
import { z } from 'zod';
import type { SpooledMessage } from '../define-layer.js';
import type { GatewaySession } from '../session.js';
import { spamdCheck, type EngineScore } from './spamd.js';
import { rspamdCheck } from './rspamd.js';

const engine = (port: number) => ({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(port),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Larger messages are not sent (spamc's own default is 500 KB): spam is small, scanning is slow. */
  maxBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(512 * 1024),
});

export const SpamdOptions = z.object({ ...engine(783), user: z.string().min(1).max(100).optional() }).strict();
export const RspamdOptions = z.object({ ...engine(11333), password: z.string().min(1).optional() }).strict();

export interface EngineOutcome {
  engine: 'spamd' | 'rspamd';
  /** SCL from the engine's score; absent when the engine did not answer. */
  scl?: number;
  result?: EngineScore;
  /** Why the engine did not count. */
  error?: string;
}

/** The engine's score on the SCL scale: 0 at or below 0, the gateway threshold at the engine's own threshold, 9 at most. */
export function engineScl(score: number, required: number, gatewayThreshold: number): number {
  if (!Number.isFinite(score) || score <= 0) return 0;
  if (!Number.isFinite(required) || required <= 0) return 9;
  return Math.min(9, Math.round((score / required) * gatewayThreshold));
}

export async function runEngines(
  message: SpooledMessage,
  session: GatewaySession,
  engines: { spamd?: z.output<typeof SpamdOptions>; rspamd?: z.output<typeof RspamdOptions> },
  gatewayThreshold: number,
): Promise<EngineOutcome[]> {
  const jobs: Promise<EngineOutcome>[] = [];
  const ask = (name: EngineOutcome['engine'], maxBytes: number, check: () => Promise<EngineScore>): Promise<EngineOutcome> => {
    if (message.size > maxBytes) return Promise.resolve({ engine: name, error: `skipped, message over ${maxBytes} bytes` });
    return check().then(
      (result) => ({ engine: name, result, scl: engineScl(result.score, result.required, gatewayThreshold) }),
      (err: Error) => ({ engine: name, error: err.message.replace(/^(spamd|rspamd): /, '') }),
    );
  };
  const { spamd, rspamd } = engines;
  if (spamd) jobs.push(ask('spamd', spamd.maxBytes, async () => spamdCheck(await message.file(), message.size, spamd)));
  if (rspamd) {
    const envelope = { ip: session.remoteAddress, from: session.mailFrom ?? '', recipients: session.recipients, helo: session.helo, queueId: session.id };
    jobs.push(ask('rspamd', rspamd.maxBytes, async () => rspamdCheck(await message.file(), message.size, envelope, rspamd)));
  }
  return Promise.all(jobs);
}

/** For the trace and the X-Mxaudit-Spam-Engines header. */
export function describeOutcome(o: EngineOutcome): string {
  if (!o.result) return `${o.engine} not counted (${o.error})`;
  const rules = o.result.rules.length ? ` [${o.result.rules.slice(0, 10).join(',')}${o.result.rules.length > 10 ? ',...' : ''}]` : '';
  return `${o.engine} ${o.result.score}/${o.result.required} -> SCL ${o.scl}${rules}`;
}
