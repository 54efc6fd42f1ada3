// Recipient lookup (Exchange 2003): unknown recipients get 550 5.1.1 at RCPT, so no message
// body and no NDR is ever produced for them; the 550 comes after a tarpit delay for
// unauthenticated sessions (the talk: 20 minutes to harvest 4-character aliases without it,
// months with 5 s); a per-IP counter of unknown recipients disconnects harvesters.
import { z } from 'zod';
import { defineLayer, CONTINUE, type Verdict } from '../define-layer.js';
import { isLocalDomain, localPartOf, normalizeAddress, domainOf } from '../address.js';
import { DirectorySchema, EMPTY_DIRECTORY, indexDirectory, type DirectoryIndex } from '../directory.js';

// The directory is the top-level config section (config.ts passes it in as this option).
export { DirectorySchema, type Directory } from '../directory.js';

const Options = z
  .object({
    directory: DirectorySchema.default(EMPTY_DIRECTORY),
    /** Delay before the 550 for an unknown recipient, unauthenticated sessions only (Exchange TarpitTime). */
    tarpitSeconds: z.number().min(0).max(60).default(5),
    /** Unknown recipients from one IP within the window before the gateway disconnects it. */
    harvestLimit: z.number().int().min(1).default(20),
    harvestWindowSeconds: z.number().int().min(1).default(3600),
  })
  .strict()
  .default({ directory: { users: [], aliases: {}, groups: {} }, tarpitSeconds: 5, harvestLimit: 20, harvestWindowSeconds: 3600 });

interface HarvestState {
  directory: DirectoryIndex;
  /** Per client IP: times (ms) of unknown recipients within the window. */
  unknownByIp: Map<string, number[]>;
  alerts: string[];
  lastSweep: number;
}

/** Alerts kept for the status view, newest last. */
const MAX_ALERTS = 1000;

/** Per-IP counts of unknown recipients in the window; only whether the limit is passed matters. */
function countUnknown(state: HarvestState, ip: string, now: number, windowMs: number, limit: number): number {
  if (now - state.lastSweep >= windowMs) {
    state.lastSweep = now;
    for (const [k, times] of state.unknownByIp) if (now - times[times.length - 1] >= windowMs) state.unknownByIp.delete(k);
  }
  const times = state.unknownByIp.get(ip) ?? [];
  while (times.length && now - times[0] >= windowMs) times.shift();
  times.push(now);
  if (times.length > limit + 1) times.shift();
  state.unknownByIp.set(ip, times);
  return times.length;
}

export default defineLayer({
  id: 'recipient-lookup',
  title: 'Recipient lookup with tarpit and harvest detection',
  options: Options,
  init: (o): HarvestState => ({ directory: indexDirectory(o.directory), unknownByIp: new Map(), alerts: [], lastSweep: 0 }),
  hooks: {
    rcpt(ctx, to): Verdict {
      if (!isLocalDomain(to, ctx.localDomains)) return CONTINUE; // relay policy is another layer's
      // RFC 5321 4.5.1: postmaster is always accepted.
      if (localPartOf(to).toLowerCase() === 'postmaster') return { action: 'accept', reason: 'postmaster is always accepted' };
      if (ctx.state.directory.known.has(normalizeAddress(to))) return CONTINUE;
      ctx.session.unknownRecipients++;
      const { harvestLimit, harvestWindowSeconds } = ctx.options;
      const ip = ctx.session.remoteAddress;
      const count = countUnknown(ctx.state, ip, ctx.now(), harvestWindowSeconds * 1000, harvestLimit);
      if (count > harvestLimit) {
        const alert = `directory harvest suspected from ${ip}: more than ${harvestLimit} unknown recipients at ${domainOf(to)} within ${harvestWindowSeconds} s`;
        // Once per crossing of the limit, not once per further attempt.
        if (!ctx.state.alerts.includes(alert)) ctx.state.alerts.push(alert);
        if (ctx.state.alerts.length > MAX_ALERTS) ctx.state.alerts.shift();
        return { action: 'disconnect', code: 421, enhanced: '4.7.0', text: 'Too many unknown recipients, closing connection', reason: alert };
      }
      const tarpit = ctx.session.authenticated ? 0 : ctx.options.tarpitSeconds * 1000;
      return { action: 'reject', code: 550, enhanced: '5.1.1', text: 'User unknown', reason: `unknown recipient <${to}>`, delayMs: tarpit };
    },
  },
});
