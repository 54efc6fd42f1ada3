// Early-talker detection (pregreet test): a client that sends before the greeting does not speak
// SMTP as RFC 5321 4.3.1 requires, as spam bots firing a canned dialogue do. Like Postfix's
// postscreen (postscreen_greet_wait, postscreen_greet_ttl), the greeting is held for a while on
// a client's first contact only; a client that waited is remembered for a day and greeted at
// once after that, so returning servers pay nothing. Haraka's early_talker plugin has no pause
// by default and 5 s in its sample config; postscreen waits 6 s. We default to 1 s: above any
// round-trip time on the internet (a bot that talks at once is caught however far away it is),
// short enough that a first contact hardly notices.
import net from 'node:net';
import { z } from 'zod';

export const EarlyTalkerSchema = z
  .object({
    /** How long the greeting is held on a first contact, in milliseconds; 0 turns the test off. */
    greetWaitMs: z.number().int().min(0).max(30_000).default(1000),
    /**
     * disconnect: 421 instead of the banner, connection closed; reject: 554 instead of the banner,
     * then 503 to every command until QUIT; ignore: greet and carry on, noted in the trace.
     */
    action: z.enum(['disconnect', 'reject', 'ignore']).default('disconnect'),
    /** How long a client that passed is greeted without a wait; 0 tests every connection. */
    passTtlSeconds: z.number().int().min(0).max(30 * 86_400).default(86_400),
    /** Internal networks (config internalNetworks) are not tested, as postscreen's permit_mynetworks. */
    skipInternal: z.boolean().default(true),
  })
  .strict();
export type EarlyTalkerConfig = z.output<typeof EarlyTalkerSchema>;
export const EARLY_TALKER_DEFAULTS: EarlyTalkerConfig = EarlyTalkerSchema.parse({});

/** Clients remembered at most, oldest forgotten first (bounded whatever connects). */
const MAX_REMEMBERED = 100_000;

export interface EarlyTalkerGate {
  greetWaitMs(peer: string): number;
  /** The client waited the whole greet wait without talking. */
  passed(peer: string): void;
  /** Clients remembered as passed right now. */
  remembered(): number;
}

export function earlyTalkerGate(cfg: EarlyTalkerConfig, internal: readonly string[], now: () => number = () => Date.now()): EarlyTalkerGate {
  const passedUntil = new Map<string, number>();
  const isInternal = (peer: string) => internal.includes(peer) || internal.includes(net.isIPv6(peer) && peer.startsWith('::ffff:') ? peer.slice(7) : peer);
  return {
    greetWaitMs(peer) {
      if (cfg.greetWaitMs === 0 || (cfg.skipInternal && isInternal(peer))) return 0;
      const until = passedUntil.get(peer);
      if (until !== undefined && until > now()) return 0;
      if (until !== undefined) passedUntil.delete(peer);
      return cfg.greetWaitMs;
    },
    passed(peer) {
      if (cfg.passTtlSeconds === 0) return;
      passedUntil.delete(peer); // re-inserted last: the map's order is the age order
      passedUntil.set(peer, now() + cfg.passTtlSeconds * 1000);
      if (passedUntil.size > MAX_REMEMBERED) passedUntil.delete(passedUntil.keys().next().value!);
    },
    remembered: () => passedUntil.size,
  };
}
