// Runs the attacks one after the other; each gets its own transcript, a throw is an error
// result (never a pass), and the verdict compares the observation with the expectation.
import { Transcript } from '../net/transcript.js';
import type { SmtpTimeouts } from '../net/smtp-client.js';
import type { AttackContext, AttackDefinition, AttackExpectation, AttackObservation } from './define-attack.js';
import { attackRegistry } from './registry.js';

export interface AttackResult {
  id: string;
  title: string;
  expected: AttackExpectation;
  source: string | null;
  /** null when skipped or errored. */
  observed: AttackObservation | null;
  verdict: 'stopped' | 'passed' | 'skipped' | 'error';
  /** Observed as expected: same stage and reply class (a 2xx expectation wants it accepted). */
  asExpected: boolean;
  detail?: string;
  transcript: string[];
}

export interface SuiteOptions {
  host: string;
  port: number;
  rcpt: string;
  group?: string;
  xclient: boolean;
  harvest?: { recipients: number; concurrency: number };
  only?: readonly string[];
  signal?: AbortSignal;
  timeouts?: Partial<SmtpTimeouts>;
  attacks?: readonly AttackDefinition[];
  onResult?: (r: AttackResult) => void;
}

export async function runAttackSuite(o: SuiteOptions): Promise<AttackResult[]> {
  const now = () => performance.now();
  const domain = o.rcpt.slice(o.rcpt.lastIndexOf('@') + 1);
  const results: AttackResult[] = [];
  for (const a of o.attacks ?? attackRegistry) {
    if (o.only && !o.only.includes(a.id)) continue;
    if (o.signal?.aborted) break;
    const transcript = new Transcript(now);
    const ctx: AttackContext = {
      host: o.host,
      port: o.port,
      rcpt: o.rcpt,
      domain,
      group: o.group ?? `all@${domain}`,
      xclient: o.xclient,
      harvest: o.harvest ?? { recipients: 30, concurrency: 8 },
      transcript,
      now,
      signal: o.signal,
      timeouts: o.timeouts,
    };
    const base = { id: a.id, title: a.title, expected: a.expected, source: o.xclient ? (a.source ?? null) : null };
    let r: AttackResult;
    if (a.needsXclient && !o.xclient) {
      r = { ...base, observed: null, verdict: 'skipped', asExpected: false, detail: 'needs --xclient', transcript: [] };
    } else {
      try {
        const observed = await a.run(ctx);
        const cls = observed.code === null ? (observed.stopped ? 'cut' : 'none') : `${Math.floor(observed.code / 100)}xx`;
        const asExpected = observed.stage === a.expected.stage && (cls === a.expected.replyClass || (cls === 'cut' && a.expected.replyClass !== '2xx'));
        r = { ...base, observed, verdict: observed.stopped ? 'stopped' : 'passed', asExpected, transcript: transcript.lines() };
      } catch (err) {
        r = { ...base, observed: null, verdict: 'error', asExpected: false, detail: (err as Error).message, transcript: transcript.lines() };
      }
    }
    results.push(r);
    o.onResult?.(r);
  }
  return results;
}
