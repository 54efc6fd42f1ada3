// Recipient lookup (Exchange 2003): unknown recipients get 550 5.1.1 at RCPT, so no message
// body and no NDR is ever produced for them; the 550 comes after a tarpit delay for
// unauthenticated sessions (the talk: 20 minutes to harvest 4-character aliases without it,
// months with 5 s); a per-IP counter of unknown recipients disconnects harvesters.
import { z } from 'zod';
import { defineLayer, CONTINUE, type Verdict } from '../define-layer.js';
import { isLocalDomain, localPartOf, normalizeAddress, domainOf } from '../address.js';

export const DirectorySchema = z
  .object({
    /** Mailboxes, full addresses. */
    users: z.array(z.string().email()).default([]),
    /** alias address -> target address. */
    aliases: z.record(z.string(), z.string()).default({}),
    /** group address -> members; restricted groups take mail only from authenticated or internal senders. */
    groups: z.record(z.string(), z.object({ members: z.array(z.string()), restricted: z.boolean().default(false) })).default({}),
  })
  .strict();
export type Directory = z.output<typeof DirectorySchema>;

const Options = z
  .object({
    directory: DirectorySchema.default({ users: [], aliases: {}, groups: {} }),
    /** Delay before the 550 for an unknown recipient, unauthenticated sessions only (Exchange TarpitTime). */
    tarpitSeconds: z.number().min(0).max(60).default(5),
    /** Unknown recipients from one IP within the window before the gateway disconnects it. */
    harvestLimit: z.number().int().min(1).default(20),
    harvestWindowSeconds: z.number().int().min(1).default(3600),
  })
  .strict()
  .default({ directory: { users: [], aliases: {}, groups: {} }, tarpitSeconds: 5, harvestLimit: 20, harvestWindowSeconds: 3600 });

interface HarvestState {
  /** Per client IP: times (ms) of unknown recipients within the window. */
  unknownByIp: Map<string, number[]>;
  alerts: string[];
}

export function knownRecipient(dir: Directory, address: string): boolean {
  const a = normalizeAddress(address);
  return dir.users.some((u) => normalizeAddress(u) === a) || Object.keys(dir.aliases).some((k) => normalizeAddress(k) === a) || Object.keys(dir.groups).some((k) => normalizeAddress(k) === a);
}

export default defineLayer({
  id: 'recipient-lookup',
  title: 'Recipient lookup with tarpit and harvest detection',
  options: Options,
  init: (): HarvestState => ({ unknownByIp: new Map(), alerts: [] }),
  hooks: {
    rcpt(ctx, to): Verdict {
      if (!isLocalDomain(to, ctx.localDomains)) return CONTINUE; // relay policy is another layer's
      // RFC 5321 4.5.1: postmaster is always accepted.
      if (localPartOf(to).toLowerCase() === 'postmaster') return { action: 'accept', reason: 'postmaster is always accepted' };
      if (knownRecipient(ctx.options.directory, to)) return CONTINUE;
      ctx.session.unknownRecipients++;
      const now = ctx.now();
      const windowMs = ctx.options.harvestWindowSeconds * 1000;
      const ip = ctx.session.remoteAddress;
      const recent = (ctx.state.unknownByIp.get(ip) ?? []).filter((t) => now - t < windowMs);
      recent.push(now);
      ctx.state.unknownByIp.set(ip, recent);
      if (recent.length > ctx.options.harvestLimit) {
        const alert = `directory harvest suspected from ${ip}: ${recent.length} unknown recipients at ${domainOf(to)} within ${ctx.options.harvestWindowSeconds} s`;
        if (ctx.state.alerts.at(-1) !== alert) ctx.state.alerts.push(alert);
        return { action: 'disconnect', code: 421, enhanced: '4.7.0', text: 'Too many unknown recipients, closing connection', reason: alert };
      }
      const tarpit = ctx.session.authenticated ? 0 : ctx.options.tarpitSeconds * 1000;
      return { action: 'reject', code: 550, enhanced: '5.1.1', text: 'User unknown', reason: `unknown recipient <${to}>`, delayMs: tarpit };
    },
  },
});
