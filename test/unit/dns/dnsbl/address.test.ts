// Query names of RFC 5782 section 2: reversed octets for IPv4, 32 reversed nibbles for IPv6.
import { describe, expect, it } from 'vitest';
import { TEST_POINTS, dnsblQueryName, expandIPv6, isPublicAddress, reversedLabels } from '../../../../main/dns/dnsbl/address.js';

describe('DNSBL query names', () => {
  it('reverses IPv4 octets under the zone', () => {
    expect(dnsblQueryName('192.0.2.99', 'bl.example.org')).toBe('99.2.0.192.bl.example.org');
    expect(dnsblQueryName(TEST_POINTS.ipv4.listed, 'zen.example')).toBe('2.0.0.127.zen.example');
  });

  it('reverses the 32 nibbles of an IPv6 address (the RFC 5782 2.4 example)', () => {
    expect(dnsblQueryName('2001:db8:1:2:3:4:567:89ab', 'ugly.example.com')).toBe(
      'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com',
    );
  });

  it('expands ::, leading zeros, upper case, a dotted IPv4 tail and a zone index', () => {
    expect(expandIPv6('::')).toBe('0'.repeat(32));
    expect(expandIPv6('::1')).toBe(`${'0'.repeat(31)}1`);
    expect(expandIPv6('fe80::1%eth0')).toBe(`fe80${'0'.repeat(27)}1`);
    expect(expandIPv6('2001:DB8::')).toBe(`20010db8${'0'.repeat(24)}`);
    expect(expandIPv6('::FFFF:127.0.0.2')).toBe(expandIPv6('::ffff:7f00:2'));
  });

  it('builds the IPv6 test point names', () => {
    expect(reversedLabels(TEST_POINTS.ipv6.listed)).toBe(`2.0.0.0.0.0.f.7.f.f.f.f${'.0'.repeat(20)}`);
    expect(reversedLabels(TEST_POINTS.ipv6.unlisted)).toBe(`1.0.0.0.0.0.f.7.f.f.f.f${'.0'.repeat(20)}`);
    expect(reversedLabels(TEST_POINTS.ipv6.listed).split('.')).toHaveLength(32);
  });

  it('refuses what is not an address', () => {
    expect(() => dnsblQueryName('mx.example.org', 'bl.example.org')).toThrow(/not an IP address/);
    expect(() => expandIPv6('1.2.3.4')).toThrow(/not an IPv6 address/);
  });
});

describe('isPublicAddress', () => {
  it.each(['127.0.0.5', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'])(
    '%s could never be on a public list',
    (a) => expect(isPublicAddress(a)).toBe(false),
  );
  it.each(['192.0.2.1', '8.8.8.8', '172.32.0.1', '2001:db8::1', '::ffff:8.8.8.8'])('%s is public', (a) => expect(isPublicAddress(a)).toBe(true));
});
