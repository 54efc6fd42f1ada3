// Reverse-lookup names: in-addr.arpa for IPv4, ip6.arpa nibbles for IPv6 (RFC 3596).
import net from 'node:net';

/** 192.0.2.1 -> 1.2.0.192; 2001:db8::1 -> 1.0.0.0....8.b.d.0.1.0.0.2 (32 nibbles, reversed). */
export function reversedLabels(address: string): string {
  if (net.isIPv4(address)) return address.split('.').reverse().join('.');
  if (!net.isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  return expandIPv6(address).replace(/:/g, '').split('').reverse().join('.');
}

export function ptrName(address: string): string {
  return `${reversedLabels(address)}.${net.isIPv4(address) ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

/** Full form, 8 groups of 4 hex digits; IPv4-mapped tails are converted. */
export function expandIPv6(address: string): string {
  let a = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [b1, b2, b3, b4] = v4[1].split('.').map(Number);
    a = a.replace(v4[1], `${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`);
  }
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = a.includes('::') && tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
