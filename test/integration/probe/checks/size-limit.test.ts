import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../../support/postfix.js';
import { describePostfix, findingIds, probePostfix } from '../../../support/probe-postfix.js';

describePostfix('size-limit check against real Postfix', () => {
  let limited: PostfixInstance;
  let unlimited: PostfixInstance;
  beforeAll(async () => {
    [limited, unlimited] = await Promise.all([startPostfix({ main: { message_size_limit: '1048576' } }), startPostfix({ main: { message_size_limit: '0' } })]);
  });
  afterAll(async () => {
    await Promise.all([limited, unlimited].map((p) => p?.stop()));
  });

  it('a size limit: SIZE=limit+1 refused with 552 5.3.4', async () => {
    const a = await probePostfix(limited, ['size-limit']);
    expect(a.facts.size).toMatchObject({ advertised: 1048576, probeSize: 1048577, enforced: true });
    expect(a.facts.size?.reply).toMatch(/^552 5\.3\.4 Message size exceeds fixed limit/);
    expect(findingIds(a)).toEqual([]);
    expect(a.checks[0].status).toBe('pass');
  });

  it('no limit advertised: not applicable, said so', async () => {
    const a = await probePostfix(unlimited, ['size-limit']);
    expect(a.checks[0]).toMatchObject({ status: 'skipped', reason: 'SIZE advertised without a limit' });
  });
});
