import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../../main/probe/target.js';
import { parseDnsServer } from '../../../main/net/resolver.js';

describe('parseTarget', () => {
  it.each([
    ['mail.example.com', { host: 'mail.example.com', port: 25 }],
    ['mail.example.com:2525', { host: 'mail.example.com', port: 2525 }],
    ['192.0.2.1', { host: '192.0.2.1', port: 25 }],
    ['192.0.2.1:587', { host: '192.0.2.1', port: 587 }],
    ['::1', { host: '::1', port: 25 }],
    ['[2001:db8::1]:465', { host: '2001:db8::1', port: 465 }],
    ['mx.example.com.', { host: 'mx.example.com', port: 25 }],
  ])('%s', (spec, expected) => expect(parseTarget(spec)).toEqual(expected));

  it.each(['', 'mail example', 'host:0', 'host:70000', 'host:abc', '[mail.example.com]:25', '2001:db8::1:25:x', '<script>'])('refuses %j', (spec) => {
    expect(() => parseTarget(spec)).toThrow(/invalid target/);
  });
});

describe('parseDnsServer', () => {
  it('accepts IP, IP:PORT and [IPv6]:PORT', () => {
    expect(parseDnsServer('127.0.0.1')).toBe('127.0.0.1');
    expect(parseDnsServer('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(parseDnsServer('[::1]:5353')).toBe('[::1]:5353');
  });
  it('refuses names and bad ports', () => {
    expect(() => parseDnsServer('dns.google')).toThrow(/invalid DNS server/);
    expect(() => parseDnsServer('127.0.0.1:99999')).toThrow(/invalid DNS server/);
  });
});
