// "Not applicable in lab" covers only what loopback cannot give (DNSSEC of the lab zones): a
// TLSA record that does not match the gateway's certificate is still a mismatch in the lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../main/lab/start-lab.js';
import { probeLab } from '../../../main/lab/reference.js';

describe('lab DANE', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({
      editZones: (zones) =>
        Object.fromEntries(Object.entries(zones).map(([name, r]) => [name, r.TLSA ? { TLSA: r.TLSA.map((t) => ({ ...t, data: '00'.repeat(32) })) } : r])),
    });
  }, 60_000);
  afterAll(() => lab?.stop());

  it('a wrong TLSA record fails as tls.dane-mismatch, and AD=0 is still not held against the lab', async () => {
    const a = await probeLab(lab, { checks: ['dane'] });
    const dane = a.checks.find((c) => c.id === 'dane')!;
    expect(dane.status).toBe('fail');
    expect(a.findings.filter((f) => f.checkId === 'dane').map((f) => f.id)).toEqual(['tls.dane-mismatch']);
  }, 60_000);
});
