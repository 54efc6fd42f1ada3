import { describe, expect, it } from 'vitest';
import { ehloFacts, ehloKeywords } from '../../../main/net/ehlo-capabilities.js';

describe('ehloFacts', () => {
  it('reads the extensions of an Exchange 2003 EHLO as on the talk slide', () => {
    const f = ehloFacts(['maila.microsoft.com Hello [207.46.125.18]', 'TURN', 'SIZE 10485760', 'DSN', 'AUTH=LOGIN', 'AUTH GSSAPI NTLM LOGIN', 'X-LINK2STATE', 'XEXCH50', 'ETRN', 'VRFY'], false);
    expect(f.size).toBe(10485760);
    expect(f.dsn).toBe(true);
    expect(f.turn && f.xlink2state && f.xexch50 && f.etrn && f.vrfy).toBe(true);
    expect(f.auth).toEqual(['LOGIN', 'GSSAPI', 'NTLM']);
    expect(f.starttls).toBe(false);
  });

  it('tells a bare SIZE (0) from an absent one (null)', () => {
    expect(ehloFacts(['x', 'SIZE'], false).size).toBe(0);
    expect(ehloFacts(['x', 'PIPELINING'], false).size).toBeNull();
  });

  it('is case-insensitive on keywords', () => {
    expect([...ehloKeywords(['x', 'starttls', 'Size 5']).keys()]).toEqual(['STARTTLS', 'SIZE']);
  });
});
