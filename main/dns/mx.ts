// The MX set of a domain (RFC 5321 section 5.1): hosts by preference, each with its addresses;
// the implicit MX when there is no MX record; the null MX (RFC 7505) when mail is refused.
import type { DnsResolver } from '../net/resolver.js';

export interface MxHost {
  exchange: string;
  priority: number;
  addresses: string[];
  /** Why the host has no address, when it has none. */
  error?: string;
}

export interface MxSet {
  hosts: MxHost[];
  /** No MX record: the domain's own A/AAAA act as MX. */
  implicit: boolean;
  /** "0 ." (RFC 7505): the domain says it accepts no mail. */
  nullMx: boolean;
  /** Why the set could not be read (NXDOMAIN, SERVFAIL, timeout...). */
  error?: string;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

export async function resolveMx(resolver: DnsResolver, domain: string): Promise<MxSet> {
  let records: { exchange: string; priority: number }[];
  try {
    records = (await resolver.query(domain, 'MX')) as { exchange: string; priority: number }[];
  } catch (err) {
    if (code(err) !== 'ENODATA') return { hosts: [], implicit: false, nullMx: false, error: `MX lookup for ${domain}: ${code(err)}` };
    const host = await withAddresses(resolver, { exchange: domain, priority: 0 });
    return { hosts: host.addresses.length ? [host] : [], implicit: true, nullMx: false, error: host.addresses.length ? undefined : `${domain} has no MX and no address` };
  }
  if (records.length === 1 && (records[0].exchange === '' || records[0].exchange === '.')) return { hosts: [], implicit: false, nullMx: true };
  const sorted = [...records].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  return { hosts: await Promise.all(sorted.map((r) => withAddresses(resolver, r))), implicit: false, nullMx: false };
}

async function withAddresses(resolver: DnsResolver, r: { exchange: string; priority: number }): Promise<MxHost> {
  const exchange = r.exchange.replace(/\.$/, '').toLowerCase();
  try {
    return { exchange, priority: r.priority, addresses: await resolver.resolveAddresses(exchange) };
  } catch (err) {
    return { exchange, priority: r.priority, addresses: [], error: `${exchange}: ${code(err)}` };
  }
}
