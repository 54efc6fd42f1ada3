// Reading strace's connect/sendto/sendmsg lines: which IP addresses a traced process talked to.
// Shared by the loopback audits of tests (rspamd) and benches (gateway peers, TLS peers).

export const isLoopbackAddress = (addr: string) => /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./i.test(addr);

/** The destination port and the IPv4/IPv6 addresses one strace line names (unix sockets have none). */
export function lineDestinations(line: string): { port?: string; addrs: string[] } {
  const port = /sin6?_port=htons\((\d+)\)/.exec(line)?.[1];
  const addrs = [...line.matchAll(/inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  return { port, addrs };
}

export interface DestinationTally {
  /** Remote addresses with port (ip:port), with count. */
  destinations: Record<string, number>;
  offLoopback: string[];
  /** Anything sent to port 53: the lab DNS listens on a high port, so this is a system resolver. */
  port53: string[];
}

/** Every destination of a whole strace log, counted, with those off 127.0.0.0/8 and ::1 and those on port 53. */
export function tallyDestinations(text: string): DestinationTally {
  const tally: DestinationTally = { destinations: {}, offLoopback: [], port53: [] };
  for (const line of text.split('\n')) {
    const { port, addrs } = lineDestinations(line);
    for (const a of addrs) {
      const key = port ? `${a}:${port}` : a;
      tally.destinations[key] = (tally.destinations[key] ?? 0) + 1;
      if (!isLoopbackAddress(a) && !tally.offLoopback.includes(key)) tally.offLoopback.push(key);
      if (port === '53' && !tally.port53.includes(key)) tally.port53.push(key);
    }
  }
  return tally;
}
