// DNSBL query names (RFC 5782 section 2): the address reversed under the list's zone, by octet
// for IPv4 and by nibble for IPv6, plus the test points every list must answer.
import net from 'node:net';
import { reversedLabels } from '../reverse-name.js';

export { expandIPv6, reversedLabels } from '../reverse-name.js';

export type AddressFamily = 'ipv4' | 'ipv6';

/** RFC 5782 section 5: each list must list the first address and must not list the second. */
export const TEST_POINTS: Record<AddressFamily, { listed: string; unlisted: string }> = {
  ipv4: { listed: '127.0.0.2', unlisted: '127.0.0.1' },
  ipv6: { listed: '::ffff:7f00:2', unlisted: '::ffff:7f00:1' },
};

export function familyOf(address: string): AddressFamily {
  const v = net.isIP(address);
  if (v === 0) throw new Error(`not an IP address: "${address}"`);
  return v === 4 ? 'ipv4' : 'ipv6';
}

export function dnsblQueryName(address: string, zone: string): string {
  return `${reversedLabels(address)}.${zone}`;
}

// Addresses no public list can list: querying public lists for them only leaks internal
// addresses, and 127.0.0.2 would even come back "listed" as the RFC 5782 test point.
const nonPublic = new net.BlockList();
for (const [prefix, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  nonPublic.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10]] as const) nonPublic.addSubnet(prefix, bits, 'ipv6');

/** BlockList also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the IPv4 ranges. */
export function isPublicAddress(address: string): boolean {
  return !nonPublic.check(address, familyOf(address));
}
