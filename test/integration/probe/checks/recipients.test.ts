import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

describePostfix('recipients check against real Postfix', () => {
  let validating: PostfixInstance;
  let acceptAll: PostfixInstance;
  let vrfy: PostfixInstance;
  let strict: PostfixInstance;
  beforeAll(async () => {
    [validating, acceptAll, vrfy, strict] = await Promise.all([
      startPostfix({}),
      startPostfix({ recipients: null }),
      startPostfix({ main: { disable_vrfy_command: 'no' } }),
      // A misconfigured server: refuses the null sender (at RCPT, as Postfix defers it) and postmaster.
      startPostfix({
        main: {
          smtpd_sender_restrictions: 'check_sender_access inline:{ {<>=REJECT Null sender refused} }',
          smtpd_recipient_restrictions: 'check_recipient_access inline:{ {postmaster@lab.test=REJECT No postmaster here} }',
        },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([validating, acceptAll, vrfy, strict].map((p) => p?.stop()));
  });

  it('recipient validation: unknown refused with 550 5.1.1 at RCPT, postmaster and <> accepted', async () => {
    const a = await probePostfix(validating, ['recipients']);
    expect(findingIds(a)).toEqual([]);
    expect(a.facts.recipients).toMatchObject({ acceptAll: false, postmasterReply: expect.stringMatching(/^250 /), nullSenderReply: expect.stringMatching(/^250 /), vrfy: expect.stringMatching(/^502 /) });
    expect(a.facts.recipients?.unknownReply).toMatch(/^550 5\.1\.1 .*User unknown/);
    expect(a.facts.recipients?.unknownDelayMs).toBeGreaterThanOrEqual(0);
    expect(a.checks[0].status).toBe('pass');
  });

  it('accept-all: accepts-unknown-recipients (medium)', async () => {
    const a = await probePostfix(acceptAll, ['recipients']);
    expect(findingIds(a)).toEqual(['smtp.accepts-unknown-recipients']);
    expect(a.facts.recipients?.acceptAll).toBe(true);
    expect(a.findings[0].severity).toBe('medium');
  });

  it('VRFY enabled: 252 for a known user and 550 for an unknown one discloses', async () => {
    const a = await probePostfix(vrfy, ['recipients'], { validRcpt: ['alice@lab.test'] });
    expect(findingIds(a)).toEqual(['smtp.vrfy-enabled']);
    expect(a.facts.recipients?.vrfy).toMatch(/^252 /);
    expect(a.findings[0].description).toMatch(/VRFY alice@lab\.test: 252 .*: 550 /);
  });

  it('null sender and postmaster refused: both low findings', async () => {
    const a = await probePostfix(strict, ['recipients']);
    expect(findingIds(a)).toEqual(['smtp.null-sender-rejected', 'smtp.postmaster-rejected']);
    expect(a.facts.recipients?.nullSenderReply).toMatch(/^5\d\d .*Null sender refused/);
    expect(a.facts.recipients?.postmasterReply).toMatch(/^5\d\d .*No postmaster here/);
    expect(a.facts.recipients?.acceptAll).toBe(false);
    expect(a.checks[0].status).toBe('warn');
  });

  it('without authorization the active check is skipped and sends nothing', async () => {
    const a = await probePostfix(validating, ['recipients'], { authorized: false });
    expect(a.checks[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/--i-am-authorized/) });
    expect(a.facts.recipients).toBeUndefined();
  });
});
