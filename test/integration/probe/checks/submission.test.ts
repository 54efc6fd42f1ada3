import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

// Submission lives on 587: real Postfix on two loopback addresses, both on port 587.
describePostfix('submission check against real Postfix on port 587', () => {
  let strict: PostfixInstance;
  let lax: PostfixInstance;
  beforeAll(async () => {
    [strict, lax] = await Promise.all([
      startPostfix({ address: '127.0.0.31', port: 587, tls: 'encrypt', auth: true, main: { smtpd_tls_auth_only: 'yes', smtpd_discard_ehlo_keywords: 'etrn' } }),
      startPostfix({ address: '127.0.0.32', port: 587, tls: 'may', auth: true, main: { smtpd_discard_ehlo_keywords: 'etrn' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([strict, lax].map((p) => p?.stop()));
  });

  it('AUTH only after STARTTLS and MAIL refused before it: no finding', async () => {
    const a = await probePostfix(strict, ['ehlo', 'submission']);
    expect(a.facts.ehlo?.auth).toEqual([]);
    expect(a.facts.ehloAfterTls?.auth).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    expect(a.facts.submission).toMatchObject({ mailBeforeTls: expect.stringMatching(/^530 /) });
    expect(findingIds(a)).toEqual([]);
  });

  it('AUTH in clear and MAIL accepted before STARTTLS: auth-before-tls and submission-plaintext-allowed', async () => {
    const a = await probePostfix(lax, ['ehlo', 'submission']);
    expect(findingIds(a)).toEqual(['smtp.auth-before-tls', 'tls.submission-plaintext-allowed']);
    expect(a.findings.find((f) => f.id === 'tls.submission-plaintext-allowed')?.severity).toBe('high');
    // AUTH on the submission port is expected: not reported as exposure.
    expect(findingIds(a)).not.toContain('smtp.auth-exposed');
  });
});
