// An attack of the suite: data (id, what it tries, which layer should stop it, where and how)
// plus one function that sends it and reports what the server answered, and at which stage.
import type { Transcript } from '../net/transcript.js';
import type { SmtpTimeouts } from '../net/smtp-client.js';

export type AttackStage = 'banner' | 'ehlo' | 'auth' | 'mail' | 'rcpt' | 'data';

export interface AttackExpectation {
  /** The gateway layer meant to stop it ('listener' = the SMTP engine's own settings). */
  layer: string;
  stage: AttackStage;
  /** '2xx' for attacks a correct server accepts by design (documented in `why`). */
  replyClass: '2xx' | '4xx' | '5xx';
  why: string;
}

export interface AttackObservation {
  stage: AttackStage;
  /** The deciding reply line(s), or what happened instead (connection closed, timeout). */
  reply: string;
  code: number | null;
  /** Said no (4xx/5xx) or cut the connection. */
  stopped: boolean;
  note?: string;
}

export interface AttackContext {
  host: string;
  port: number;
  /** A valid local recipient. */
  rcpt: string;
  /** Its domain: our domain at the target. */
  domain: string;
  /** A restricted distribution group. */
  group: string;
  /** Present outside client addresses with XCLIENT. */
  xclient: boolean;
  /** Unknown recipients tried by the harvest burst, and sessions in parallel. */
  harvest: { recipients: number; concurrency: number };
  transcript: Transcript;
  now: () => number;
  signal?: AbortSignal;
  timeouts?: Partial<SmtpTimeouts>;
}

export interface AttackDefinition {
  id: string;
  title: string;
  expected: AttackExpectation;
  /** The XCLIENT address presented; required when `needsXclient`. */
  source?: string;
  needsXclient?: boolean;
  run(ctx: AttackContext): Promise<AttackObservation>;
}

export const defineAttack = (a: AttackDefinition): AttackDefinition => a;
