import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

describePostfix('harvest check against real Postfix', () => {
  let fast: PostfixInstance;
  let tarpit: PostfixInstance;
  let perConnection: PostfixInstance;
  beforeAll(async () => {
    [fast, tarpit, perConnection] = await Promise.all([
      // Postfix defaults made lenient: no error sleep within the samples.
      startPostfix({ main: { smtpd_soft_error_limit: '100', smtpd_hard_error_limit: '200' } }),
      // A delay on every unknown recipient from the first one (Exchange TarpitTime style):
      // known recipients pass at once, anything else sleeps 1 s before its 550.
      startPostfix({
        main: {
          smtpd_recipient_restrictions:
            'reject_unauth_destination, check_recipient_access inline:{ {alice@lab.test=OK}, {bob@lab.test=OK}, {postmaster@lab.test=OK} }, sleep 1, reject_unlisted_recipient',
        },
      }),
      // Postfix's default shape, smaller: 1 s sleep after 3 errors, per connection only.
      startPostfix({ main: { smtpd_soft_error_limit: '3', smtpd_error_sleep_time: '1s', smtpd_hard_error_limit: '100' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fast, tarpit, perConnection].map((p) => p?.stop()));
  });

  it('no delay: dha-no-delay with an estimate in minutes', async () => {
    const a = await probePostfix(fast, ['harvest'], { harvest: { samples: 12, freshConnections: 2, intervalMs: 0 } });
    expect(findingIds(a)).toEqual(['smtp.dha-no-delay']);
    expect(a.facts.harvest).toMatchObject({ samples: 18, connections: 3, defence: { delayed: false, perIp: false, tempfailAfter: null, disconnectAfter: null } });
    expect(a.facts.harvest!.enumerate4CharSeconds!).toBeLessThan(24 * 3600);
    expect(a.findings[0].description).toMatch(/four-character aliases take about/);
  });

  it('a delay on every unknown recipient: no finding, estimate in weeks', async () => {
    const a = await probePostfix(tarpit, ['harvest'], { harvest: { samples: 3, freshConnections: 1, intervalMs: 0 } });
    expect(a.facts.harvest?.defence).toMatchObject({ delayed: true, delayAfter: 0, perIp: true });
    expect(a.facts.harvest!.unknownMedianMs!).toBeGreaterThanOrEqual(900);
    expect(a.facts.harvest!.enumerate4CharSeconds!).toBeGreaterThan(7 * 24 * 3600);
    expect(findingIds(a)).toEqual([]);
    expect(a.checks[0].status).toBe('pass');
  });

  it('a per-connection delay is seen, and so is its weakness (a new connection starts afresh)', async () => {
    const a = await probePostfix(perConnection, ['harvest'], { harvest: { samples: 6, freshConnections: 1, intervalMs: 0 } });
    expect(a.facts.harvest?.defence).toMatchObject({ delayed: true, delayAfter: 3, perIp: false });
    expect(findingIds(a)).toEqual(['smtp.dha-no-delay']);
    expect(a.findings[0].description).toMatch(/after 3 unknown recipients per connection/);
  });
});
