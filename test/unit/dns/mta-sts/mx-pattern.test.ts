import { describe, expect, it } from 'vitest';
import { isMxPattern, mxMatchesPattern, uncoveredMx } from '../../../../main/dns/mta-sts/mx-pattern.js';

describe('MTA-STS mx patterns (RFC 8461 section 4.1)', () => {
  it('an exact pattern matches the host, in any case and with a trailing dot', () => {
    expect(mxMatchesPattern('MX1.Example.com.', 'mx1.example.com')).toBe(true);
    expect(mxMatchesPattern('mx2.example.com', 'mx1.example.com')).toBe(false);
  });

  it('a wildcard stands for exactly one leftmost label', () => {
    expect(mxMatchesPattern('mail.example.com', '*.example.com')).toBe(true);
    expect(mxMatchesPattern('example.com', '*.example.com')).toBe(false);
    expect(mxMatchesPattern('a.b.example.com', '*.example.com')).toBe(false);
    expect(mxMatchesPattern('mailexample.com', '*.example.com')).toBe(false);
  });

  it('compares internationalized names in A-label form', () => {
    expect(mxMatchesPattern('mx.xn--bcher-kva.example', 'mx.bücher.example')).toBe(true);
  });

  it('lists the MX hosts that no pattern covers', () => {
    expect(uncoveredMx(['mx1.example.com', 'a.mx.example.net', 'backup.example.org'], ['mx1.example.com', '*.mx.example.net'])).toEqual(['backup.example.org']);
  });

  it('validates pattern syntax', () => {
    for (const ok of ['mx.example.com', '*.example.com', 'localhost']) expect(isMxPattern(ok)).toBe(true);
    for (const bad of ['', '*', '*.', 'mx..example.com', 'mx.*.example.com', '-mx.example.com', 'mx_1.example.com']) expect(isMxPattern(bad)).toBe(false);
  });
});
