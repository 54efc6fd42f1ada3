// Sender and recipient filtering (Exchange 2003 global setting): block lists of addresses,
// domains and patterns, and a policy for the blank sender. The talk: weak against spam, but
// critical against mail bombing.
import { z } from 'zod';
import { defineLayer, CONTINUE, type Verdict } from '../define-layer.js';
import { domainOf, normalizeAddress } from '../address.js';

const BlockList = z
  .object({
    addresses: z.array(z.string()).default([]),
    domains: z.array(z.string()).default([]),
    /** Regular expressions, matched case-insensitively against the whole address. */
    patterns: z.array(z.string().refine((p) => isRegExp(p), 'not a valid regular expression')).default([]),
  })
  .strict()
  .default({ addresses: [], domains: [], patterns: [] });

function isRegExp(p: string): boolean {
  try {
    new RegExp(p, 'i');
    return true;
  } catch {
    return false;
  }
}

const Options = z
  .object({
    senders: BlockList,
    recipients: BlockList,
    /** The null sender must be accepted for bounces (RFC 5321); 'reject' exists for mail bombing emergencies. */
    blankSender: z.enum(['accept', 'reject']).default('accept'),
    /** Reject the command, or drop the whole connection (mail bombing). */
    action: z.enum(['reject', 'disconnect']).default('reject'),
  })
  .strict()
  .default({ senders: { addresses: [], domains: [], patterns: [] }, recipients: { addresses: [], domains: [], patterns: [] }, blankSender: 'accept', action: 'reject' });

type List = z.output<typeof BlockList>;

function matches(list: List, address: string): string | null {
  const a = normalizeAddress(address);
  if (list.addresses.some((x) => normalizeAddress(x) === a)) return 'address';
  if (list.domains.some((d) => d.toLowerCase() === domainOf(a))) return 'domain';
  if (list.patterns.some((p) => new RegExp(p, 'i').test(a))) return 'pattern';
  return null;
}

export default defineLayer({
  id: 'sender-recipient-filter',
  title: 'Sender and recipient filtering',
  options: Options,
  hooks: {
    mail(ctx, from): Verdict {
      const o = ctx.options;
      if (!from) {
        return o.blankSender === 'reject' ? { action: o.action, code: 550, enhanced: '5.7.1', text: 'Blank sender refused', reason: 'blank sender policy' } : CONTINUE;
      }
      const hit = matches(o.senders, from);
      return hit ? { action: o.action, code: 550, enhanced: '5.7.1', text: `<${from}>: Sender refused`, reason: `sender on the block list (${hit})` } : CONTINUE;
    },
    rcpt(ctx, to): Verdict {
      const hit = matches(ctx.options.recipients, to);
      return hit ? { action: ctx.options.action, code: 550, enhanced: '5.7.1', text: `<${to}>: Recipient refused`, reason: `recipient on the block list (${hit})` } : CONTINUE;
    },
  },
});
