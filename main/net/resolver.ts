// DNS client: node's Resolver with explicit servers, so lab and test names never reach the
// system resolver. The servers in use are recorded in the assessment. Answers are cached for
// the life of the resolver (one assessment), so no question is asked twice in a run.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS' | 'SOA' | 'SRV';

export interface DnsStats {
  /** Questions sent to a server. */
  queries: number;
  /** Questions answered from the run's cache. */
  cacheHits: number;
}

export interface DnsResolver {
  /** Servers as `ip` or `[ip]:port`, or ['system'] when the system's are used. */
  readonly servers: string[];
  resolveAddresses(name: string): Promise<string[]>;
  /**
   * One question, dns.promises style: A/AAAA give strings, MX {exchange, priority}, TXT string[][]
   * (the strings of each record), PTR/CNAME/NS strings. Errors carry node's codes (ENOTFOUND for
   * NXDOMAIN, ENODATA for no record of that type, ESERVFAIL, ETIMEOUT...).
   */
  query(name: string, type: RecordType): Promise<unknown[]>;
  stats(): DnsStats;
  raw: Resolver;
}

/** Parses `IP`, `IP:PORT`, `[IPv6]:PORT` into the form Resolver.setServers accepts. */
export function parseDnsServer(spec: string): string {
  const s = spec.trim();
  if (net.isIP(s)) return s;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6 && net.isIPv6(v6[1]) && (!v6[2] || validPort(v6[2]))) return v6[2] ? `[${v6[1]}]:${v6[2]}` : v6[1];
  const v4 = /^([\d.]+):(\d+)$/.exec(s);
  if (v4 && net.isIPv4(v4[1]) && validPort(v4[2])) return s;
  throw new Error(`invalid DNS server "${spec}": expected IP, IP:PORT or [IPv6]:PORT`);
}

const validPort = (p: string) => Number(p) > 0 && Number(p) < 65536;

export function createResolver(servers: string[] = [], timeoutMs = 3000, tries = 2): DnsResolver {
  const raw = new Resolver({ timeout: timeoutMs, tries });
  if (servers.length) raw.setServers(servers.map(parseDnsServer));
  const cache = new Map<string, Promise<unknown[]>>();
  const stats: DnsStats = { queries: 0, cacheHits: 0 };

  const query = (name: string, type: RecordType): Promise<unknown[]> => {
    const key = `${name.toLowerCase().replace(/\.$/, '')}/${type}`;
    const hit = cache.get(key);
    if (hit) {
      stats.cacheHits++;
      return hit;
    }
    stats.queries++;
    // Failures are cached too: a second identical question would get the same answer.
    const answer = raw.resolve(name, type) as Promise<unknown[]>;
    cache.set(key, answer);
    return answer;
  };

  return {
    servers: servers.length ? raw.getServers() : ['system'],
    raw,
    query,
    stats: () => ({ ...stats }),
    async resolveAddresses(name: string): Promise<string[]> {
      if (net.isIP(name)) return [name];
      // RFC 6761: localhost is loopback and never asked of DNS (Resolver does not read /etc/hosts).
      if (/^localhost\.?$/i.test(name)) return ['127.0.0.1'];
      const settle = (p: Promise<unknown[]>) =>
        p.then(
          (r) => r as string[],
          (err: NodeJS.ErrnoException) => {
            if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [];
            throw err;
          },
        );
      const [v4, v6] = await Promise.all([settle(query(name, 'A')), settle(query(name, 'AAAA'))]);
      return [...v4, ...v6];
    },
  };
}
