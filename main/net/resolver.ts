// DNS client: node's Resolver with explicit servers, so lab and test names never reach the
// system resolver. The servers in use are recorded in the assessment.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';

export interface DnsResolver {
  /** Servers as `ip` or `[ip]:port`, or ['system'] when the system's are used. */
  readonly servers: string[];
  resolveAddresses(name: string): Promise<string[]>;
  raw: Resolver;
}

/** Parses `IP`, `IP:PORT`, `[IPv6]:PORT` into the form Resolver.setServers accepts. */
export function parseDnsServer(spec: string): string {
  const s = spec.trim();
  if (net.isIP(s)) return s;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6 && net.isIPv6(v6[1])) return v6[2] ? `[${v6[1]}]:${v6[2]}` : v6[1];
  const v4 = /^([\d.]+):(\d+)$/.exec(s);
  if (v4 && net.isIPv4(v4[1]) && Number(v4[2]) > 0 && Number(v4[2]) < 65536) return s;
  throw new Error(`invalid DNS server "${spec}": expected IP, IP:PORT or [IPv6]:PORT`);
}

export function createResolver(servers: string[] = [], timeoutMs = 3000, tries = 2): DnsResolver {
  const raw = new Resolver({ timeout: timeoutMs, tries });
  if (servers.length) raw.setServers(servers.map(parseDnsServer));
  return {
    servers: servers.length ? raw.getServers() : ['system'],
    raw,
    async resolveAddresses(name: string): Promise<string[]> {
      if (net.isIP(name)) return [name];
      // RFC 6761: localhost is loopback and never asked of DNS (Resolver does not read /etc/hosts).
      if (/^localhost\.?$/i.test(name)) return ['127.0.0.1'];
      const settle = async (p: Promise<string[]>) => p.catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [];
        throw err;
      });
      const [v4, v6] = await Promise.all([settle(raw.resolve4(name)), settle(raw.resolve6(name))]);
      return [...v4, ...v6];
    },
  };
}
