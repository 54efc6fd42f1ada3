// Options of the connection filter, defaulting to the hardened posture: two well-known lists,
// refusal at RCPT (Exchange 2003, so postmaster stays reachable for delisting requests), and
// per-IP limits near Postfix's anvil settings for an internet-facing MX.
import net from 'node:net';
import { z } from 'zod';
import { describeZone, normalizeZone } from '../../dns/dnsbl/zones.js';
import { PLACEHOLDERS, REPLY_TEMPLATE } from './reply-template.js';

export const DEFAULT_TEMPLATE = '550 5.7.1 E-mail rejected because {ip} is listed by {zone}. {info}';

const zoneName = z.string().transform((s, ctx) => {
  try {
    const zone = normalizeZone(s);
    const dead = describeZone(zone).dead;
    if (!dead) return zone;
    ctx.addIssue({ code: 'custom', message: `${zone} must not be used: ${dead}` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
  return z.NEVER;
});

const template = z
  .string()
  .regex(REPLY_TEMPLATE, 'expected a reply line "<4xx|5xx> <enhanced code of the same class> <text>", e.g. "550 5.7.1 ..."')
  .refine((t) => [...t.matchAll(/\{(\w+)\}/g)].every(([, k]) => (PLACEHOLDERS as readonly string[]).includes(k)), `unknown placeholder; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);

const Provider = z
  .object({
    zone: zoneName,
    /** Added to the score when this list lists the client. */
    weight: z.number().positive().default(1),
    template: template.default(DEFAULT_TEMPLATE),
    /** {info} in the template; by default the list's lookup page when mxaudit knows it. */
    info: z.string().regex(/^[^\r\n]*$/, 'one line of text').optional(),
  })
  .strict()
  .transform((p) => {
    const url = describeZone(p.zone).url;
    return { ...p, info: p.info ?? (url ? `Please see ${url} for more information.` : '') };
  });

/** An address or a CIDR prefix (IPv4 or IPv6). */
const network = z.string().refine((s) => parseNetwork(s) !== null, 'expected an IP address or a CIDR prefix such as 192.0.2.0/24');

export function parseNetwork(s: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, bits, ...rest] = s.trim().split('/');
  const v = net.isIP(address);
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (v === 0 || rest.length || !(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

export const ConnectionFilterOptions = z
  .object({
    /** Where a listed client is refused: at RCPT (550, postmaster excepted) or instead of the banner (554). */
    mode: z.enum(['rcpt', 'connect']).default('rcpt'),
    providers: z.array(Provider).prefault([{ zone: 'zen.spamhaus.org' }, { zone: 'bl.spamcop.net' }]),
    /** Score (sum of the weights of the lists that list the client) at which it is refused. */
    threshold: z.number().positive().default(1),
    /** Clients this layer never refuses (partners, a backup MX): no block list, no limit. */
    allow: z.array(network).default([]),
    /** Recipients a listed client may still reach in rcpt mode: a local part (any of our domains) or an address. */
    exceptRecipients: z.array(z.string()).default(['postmaster']),
    /** Also ask about private and loopback clients: only for lab zones (public lists must never see them). */
    queryPrivateAddresses: z.boolean().default(false),
    /** RFC 5782 self-test of each list at first use and again after this long. */
    selfTestMinutes: z.number().int().min(1).max(1440).default(60),
    maxConnectionsPerIp: z.number().int().min(1).default(10),
    maxConnectionRatePerIp: z.number().int().min(1).default(60),
    rateWindowSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict()
  .prefault({});

export type ConnectionFilterOptions = z.output<typeof ConnectionFilterOptions>;
