import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

describePostfix('ehlo check against real Postfix', () => {
  let hardened: PostfixInstance;
  let authExposed: PostfixInstance;
  let chatty: PostfixInstance;
  beforeAll(async () => {
    [hardened, authExposed, chatty] = await Promise.all([
      // Postfix offers ETRN by default; a hardened MX drops it.
      startPostfix({ tls: 'may', main: { smtpd_discard_ehlo_keywords: 'etrn' } }),
      startPostfix({ auth: true, main: { smtpd_discard_ehlo_keywords: 'etrn' } }),
      // Product in the banner, no size limit, no DSN, ETRN left on.
      startPostfix({ main: { smtpd_banner: '$myhostname ESMTP Postfix (Debian/GNU)', message_size_limit: '0', smtpd_discard_ehlo_keywords: 'dsn' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([hardened, authExposed, chatty].map((p) => p?.stop()));
  });

  it('hardened server with STARTTLS: EHLO before and after TLS, no finding of low or above', async () => {
    const a = await probePostfix(hardened, ['ehlo'], { authorized: false });
    expect(a.checks[0]).toMatchObject({ id: 'ehlo', status: 'pass' });
    expect(findingIds(a)).toEqual([]);
    expect(a.facts.banner).toBe('220 mx.lab.test ESMTP');
    expect(a.facts.ehlo).toMatchObject({ starttls: true, size: 10485760, dsn: true, auth: [], vrfy: false, pipelining: true, heloFallback: false });
    expect(a.facts.ehloAfterTls).toMatchObject({ starttls: false, size: 10485760, dsn: true });
  });

  it('AUTH PLAIN/LOGIN before TLS: auth-before-tls (high) and auth-exposed (medium)', async () => {
    const a = await probePostfix(authExposed, ['ehlo'], { authorized: false });
    expect(findingIds(a)).toEqual(['smtp.auth-before-tls', 'smtp.auth-exposed']);
    expect(a.facts.ehlo?.auth).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    const f = a.findings.find((x) => x.id === 'smtp.auth-before-tls')!;
    expect(f.severity).toBe('high');
    expect(f.description).toMatch(/Offered before TLS: .*PLAIN/);
    expect(f.evidence.transcript!.some((l) => / <- 250-AUTH .*PLAIN/.test(l))).toBe(true);
    expect(a.checks[0].status).toBe('fail');
  });

  it('product banner, bare SIZE, no DSN, ETRN: the low and info findings', async () => {
    const a = await probePostfix(chatty, ['ehlo'], { authorized: false });
    expect(a.facts.ehlo).toMatchObject({ size: 0, dsn: false, etrn: true });
    expect(findingIds(a)).toEqual(['smtp.banner-disclosure', 'smtp.dsn-not-advertised', 'smtp.legacy-extensions', 'smtp.size-not-advertised']);
    expect(a.findings.find((f) => f.id === 'smtp.banner-disclosure')?.description).toMatch(/Disclosed: Postfix/);
    expect(a.findings.find((f) => f.id === 'smtp.size-not-advertised')?.description).toMatch(/without a limit/);
    expect(a.checks[0].status).toBe('warn');
  });
});
