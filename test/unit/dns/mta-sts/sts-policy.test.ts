import { describe, expect, it } from 'vitest';
import { MAX_AGE_LIMIT, parseStsPolicy } from '../../../../main/dns/mta-sts/sts-policy.js';

describe('parseStsPolicy', () => {
  it('reads version, mode, repeated mx and max_age, with CRLF or LF line ends', () => {
    const text = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\nmx: *.mail.example.com \nmax_age: 604800\n';
    expect(parseStsPolicy(text)).toEqual({ mode: 'enforce', mx: ['mx1.example.com', '*.mail.example.com'], maxAge: 604800, errors: [] });
  });

  it('ignores unknown fields and lines without a colon; the first of a repeated field counts', () => {
    const r = parseStsPolicy('version: STSv1\nmode: testing\nmode: enforce\nfoo: bar\njunk\nmx: mx.example.com\nmax_age: 86400');
    expect(r).toMatchObject({ mode: 'testing', errors: [] });
  });

  it('accepts mode none without mx patterns (the policy is withdrawn)', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 86400').errors).toEqual([]);
  });

  it('lists every missing or invalid field', () => {
    expect(parseStsPolicy('<html><body>Not found</body></html>').errors).toEqual(['version is missing', 'mode is missing', 'max_age is missing', 'no mx pattern']);
    const r = parseStsPolicy(`version: STSv2\nmode: enforced\nmx: mx..example.com\nmx: *.*.example.com\nmax_age: ${MAX_AGE_LIMIT + 1}`);
    expect(r.errors).toEqual([
      'version "STSv2" is not STSv1',
      'mode "enforced" is not enforce, testing or none',
      `max_age "${MAX_AGE_LIMIT + 1}" is not a number of seconds up to ${MAX_AGE_LIMIT}`,
      'mx "mx..example.com" is not a host name or *.host name',
      'mx "*.*.example.com" is not a host name or *.host name',
    ]);
    expect(r).toMatchObject({ mode: null, maxAge: null });
  });

  it('field names are case-sensitive, and says so rather than only "missing"', () => {
    const r = parseStsPolicy('version: STSv1\nMode: enforce\nmx: mx.example.com\nmax_age: 86400');
    expect(r.errors).toEqual(['field "Mode" must be written "mode"', 'mode is missing']);
  });

  it('rejects a negative or fractional max_age', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: -1').maxAge).toBeNull();
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 1.5').maxAge).toBeNull();
  });
});
