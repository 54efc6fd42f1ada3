// A gateway layer is data plus hooks per SMTP phase, like a Haraka plugin. Hooks return a
// verdict and never write to the socket: one place (reply-map.ts) turns verdicts into replies.
import type { z } from 'zod';
import type { GatewaySession } from './session.js';
import type { DnsResolver } from '../net/resolver.js';
import type { FactLimits, MessageFacts } from './content/message-facts.js';

export type Phase = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data';

export type VerdictAction = 'continue' | 'accept' | 'reject' | 'tempfail' | 'disconnect';

export interface Verdict {
  action: VerdictAction;
  /** Why, in the trace and the log (never sent as is unless `text` is absent). */
  reason: string;
  /** Reply overrides; reply-map.ts supplies the defaults per phase. */
  code?: number;
  enhanced?: string;
  text?: string;
  /** Wait before replying (tarpit), in milliseconds. */
  delayMs?: number;
}

export const CONTINUE: Verdict = { action: 'continue', reason: '' };

/**
 * The message after DATA, spooled to disk: layers read it as a stream, never whole in memory.
 * A layer that rewrites the message (attachment stripping, subject tag) writes a new file beside
 * `path` and hands it to replaceFile(): what is stored is whatever `path` holds after the data phase.
 */
export interface SpooledMessage {
  /** Where the message is (or will be, see file()): read it through file(), which makes sure it is there. */
  path: string;
  size: number;
  /** Header lines as received (bounded), for quick decisions. */
  headers: string;
  /** The whole file in memory when the core kept it (small mail); null otherwise and after replaceFile(). */
  readonly bytes: Buffer | null;
  /** Whether `path` holds the message (small mail stays in memory until a layer asks for the file). */
  readonly onDisk: boolean;
  /** The path of the message on disk, written from memory on first use. */
  file(): Promise<string>;
  /**
   * What the content layers look at (parts, names, first bytes, zip entries, EICAR, GTUBE, URLs),
   * from one streaming walk of the file shared by every layer that asks with the same limits.
   */
  facts(limits?: Partial<FactLimits>): Promise<MessageFacts>;
  /** Renames `newPath` (same directory) over `path`, updates size and headers, forgets the facts. */
  replaceFile(newPath: string, headers?: string): Promise<void>;
}

export interface LayerContext<O, S = unknown> {
  options: O;
  /** The layer's own state across sessions (per-IP counters...), made by init(). */
  state: S;
  session: GatewaySession;
  resolver: DnsResolver;
  now(): number;
  /** Our own domains (accepted for delivery). */
  localDomains: readonly string[];
}

export interface LayerHooks<O, St> {
  connect?(ctx: LayerContext<O, St>): Promise<Verdict> | Verdict;
  helo?(ctx: LayerContext<O, St>, name: string): Promise<Verdict> | Verdict;
  mail?(ctx: LayerContext<O, St>, from: string): Promise<Verdict> | Verdict;
  rcpt?(ctx: LayerContext<O, St>, to: string): Promise<Verdict> | Verdict;
  data?(ctx: LayerContext<O, St>, message: SpooledMessage): Promise<Verdict> | Verdict;
  /** The session ended (QUIT, disconnect, timeout): release per-session state (concurrency counts). */
  close?(ctx: LayerContext<O, St>): void;
}

export interface LayerDefinition<S extends z.ZodType = z.ZodType, St = unknown> {
  id: string;
  title: string;
  /** Options schema with the talk's hardened defaults. */
  options: S;
  /** State shared by the layer's sessions for the life of the gateway. */
  init?(options: z.output<S>): St;
  hooks: LayerHooks<z.output<S>, St>;
}

export function defineLayer<S extends z.ZodType, St = unknown>(def: LayerDefinition<S, St>): LayerDefinition<S, St> {
  return def;
}
