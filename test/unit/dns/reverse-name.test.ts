import { describe, expect, it } from 'vitest';
import { expandIPv6, ptrName, reversedLabels } from '../../../main/dns/reverse-name.js';

describe('reverse names', () => {
  it('reverses IPv4 octets', () => {
    expect(ptrName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
  });
  it('reverses the 32 nibbles of IPv6', () => {
    expect(ptrName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reversedLabels('::1').split('.')).toHaveLength(32);
  });
  it('expands shorthand and IPv4-mapped forms (the RFC 5782 IPv6 test points)', () => {
    expect(expandIPv6('::FFFF:7F00:2')).toBe('00000000000000000000ffff7f000002');
    expect(expandIPv6('::ffff:127.0.0.2')).toBe('00000000000000000000ffff7f000002');
    expect(expandIPv6('2001:db8:1:2:3:4:5:6')).toBe('20010db8000100020003000400050006');
  });
  it('refuses what is not an address', () => {
    expect(() => ptrName('mx.example.com')).toThrow(/not an IP address/);
  });
});
