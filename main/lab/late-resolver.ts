// A resolver whose servers are known only later: the gateway needs one when it starts, and the
// lab DNS can only start after it, since the TLSA record names the gateway's (ephemeral) port.
import type { DnsResolver } from '../net/resolver.js';

export function lateResolver(): { resolver: DnsResolver; attach(r: DnsResolver): void } {
  let target: DnsResolver | null = null;
  const use = (): DnsResolver => {
    if (!target) throw new Error('lab resolver used before the lab DNS server started');
    return target;
  };
  const resolver: DnsResolver = {
    get servers() {
      return target?.servers ?? [];
    },
    get raw() {
      return use().raw;
    },
    query: (name, type) => use().query(name, type),
    resolveAddresses: (name) => use().resolveAddresses(name),
    stats: () => target?.stats() ?? { queries: 0, cacheHits: 0 },
  };
  return { resolver, attach: (r) => (target = r) };
}
