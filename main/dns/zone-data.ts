// Zones served by the embedded lab DNS server, as written in a JSON or YAML file.
import { z } from 'zod';
import net from 'node:net';

const name = z.string().regex(/^(\*\.)?([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/, 'expected a domain name (optionally *.suffix)');
const ipv4 = z.string().refine((s) => net.isIPv4(s), 'expected an IPv4 address');
const ipv6 = z.string().refine((s) => net.isIPv6(s), 'expected an IPv6 address');

// A DNS character-string holds at most 255 bytes; longer TXT data must be split (as real zones do).
const charString = z.string().refine((s) => Buffer.byteLength(s) <= 255, 'a TXT string holds at most 255 bytes: split it into several strings');

// TLSA (RFC 6698) as in a zone file; the hex bound leaves room for a whole DER certificate (matching type 0).
const octet = z.number().int().min(0).max(255);
const tlsa = z
  .object({ usage: octet, selector: octet, matchingType: octet, data: z.string().max(32_768).regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected hex (an even number of digits)') })
  .strict();

export const NameRecordsSchema = z
  .object({
    A: z.array(ipv4).optional(),
    AAAA: z.array(ipv6).optional(),
    MX: z.array(z.object({ priority: z.number().int().min(0).max(65535), exchange: z.string() })).optional(),
    /** One entry per record; an array is one record made of several character-strings. */
    TXT: z.array(z.union([charString, z.array(charString)])).optional(),
    PTR: z.array(z.string()).optional(),
    CNAME: z.string().optional(),
    NS: z.array(z.string()).optional(),
    /** At `_<port>._tcp.<host>`, e.g. `{ usage: 3, selector: 1, matchingType: 1, data: '<sha-256 hex>' }`. */
    TLSA: z.array(tlsa).optional(),
    /** Answer every question for this name with this error instead. */
    rcode: z.enum(['SERVFAIL', 'REFUSED']).optional(),
    /** Answer late, to test timeouts. */
    delayMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();
export type NameRecords = z.infer<typeof NameRecordsSchema>;

export const ZoneDataSchema = z.record(name, NameRecordsSchema);
export type ZoneData = z.infer<typeof ZoneDataSchema>;

/** Lower-case names without the trailing dot, so lookups are exact. */
export function normalizeZones(zones: ZoneData): Map<string, NameRecords> {
  return new Map(Object.entries(ZoneDataSchema.parse(zones)).map(([n, r]) => [n.toLowerCase().replace(/\.$/, ''), r]));
}

/** Exact name first, then the closest `*.suffix` wildcard (RFC 4592, simplified). */
export function lookupName(zones: Map<string, NameRecords>, qname: string): NameRecords | undefined {
  const n = qname.toLowerCase().replace(/\.$/, '');
  const exact = zones.get(n);
  if (exact) return exact;
  const labels = n.split('.');
  for (let i = 1; i < labels.length; i++) {
    const wild = zones.get(`*.${labels.slice(i).join('.')}`);
    if (wild) return wild;
  }
  return undefined;
}
