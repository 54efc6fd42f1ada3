// MX patterns of an MTA-STS policy (RFC 8461 section 4.1): a host name, or "*." plus a name where
// the wildcard stands for exactly one label. Compared in A-label form, case-insensitively.
import { domainToASCII } from 'node:url';

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(${LABEL}\\.)*${LABEL}$`);

const normalize = (name: string) => domainToASCII(name.trim().toLowerCase().replace(/\.$/, ''));

export function isMxPattern(pattern: string): boolean {
  const name = normalize(pattern.startsWith('*.') ? pattern.slice(2) : pattern);
  return HOST.test(name);
}

export function mxMatchesPattern(mx: string, pattern: string): boolean {
  const host = normalize(mx);
  if (!pattern.startsWith('*.')) return host === normalize(pattern);
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === normalize(pattern.slice(2));
}

/** The MX hosts no pattern covers: compliant senders refuse to deliver to them in enforce mode. */
export function uncoveredMx(hosts: string[], patterns: string[]): string[] {
  return hosts.filter((h) => !patterns.some((p) => mxMatchesPattern(h, p)));
}
