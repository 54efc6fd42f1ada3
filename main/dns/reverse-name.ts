// Reverse-lookup names: reversed octets for IPv4 (in-addr.arpa, DNSBL zones), reversed nibbles
// for IPv6 (ip6.arpa, RFC 3596; DNSBL zones, RFC 5782).
import net from 'node:net';

/** The 32 hex digits of an IPv6 address, `::`, a zone index and a dotted IPv4 tail handled. */
export function expandIPv6(address: string): string {
  if (!net.isIPv6(address)) throw new Error(`not an IPv6 address: "${address}"`);
  let s = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const padded =
    tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return padded.map((g) => g.padStart(4, '0')).join('');
}

/** `4.3.2.1` for 1.2.3.4; the 32 nibbles of an IPv6 address, reversed and dotted. */
export function reversedLabels(address: string): string {
  const v = net.isIP(address);
  if (v === 0) throw new Error(`not an IP address: "${address}"`);
  return (v === 4 ? address.split('.') : expandIPv6(address).split('')).reverse().join('.');
}

export function ptrName(address: string): string {
  return `${reversedLabels(address)}.${net.isIPv4(address) ? 'in-addr.arpa' : 'ip6.arpa'}`;
}
