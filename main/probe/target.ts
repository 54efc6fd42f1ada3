// Parses a target as the user types it: host, host:port, IPv4, IPv6 literal, [IPv6]:port.
import net from 'node:net';

export interface TargetSpec {
  host: string;
  port: number;
}

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function parseTarget(spec: string, defaultPort = 25): TargetSpec {
  const s = spec.trim();
  let host = s;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    [, host, port] = bracketed;
    if (!net.isIPv6(host)) throw new Error(`invalid target "${spec}": brackets hold an IPv6 address`);
  } else if (net.isIPv6(s)) {
    host = s; // a bare IPv6 literal has no port
  } else if (s.includes(':')) {
    [host, port] = s.split(':', 2);
    if (s.split(':').length > 2) throw new Error(`invalid target "${spec}": write IPv6 with a port as [addr]:port`);
  }
  if (!net.isIP(host) && !HOSTNAME.test(host)) throw new Error(`invalid target "${spec}": not a host name or IP address`);
  const n = port === undefined ? defaultPort : Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid target "${spec}": port must be 1-65535`);
  return { host: host.replace(/\.$/, ''), port: n };
}
