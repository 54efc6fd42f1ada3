// The traffic plan: as many transactions of each kind as the mix asks, interleaved, each to a
// valid recipient except the relay attempts.
import { describe, expect, it } from 'vitest';
import { defaultMix, planTransactions, scaledMix } from '../../../main/lab/traffic-plan.js';

describe('planTransactions', () => {
  const users = ['alice@lab.test', 'bob@lab.test'];
  const plan = planTransactions({ domain: 'lab.test', users, mix: defaultMix });

  it('plans the mix (the harvest run aside)', () => {
    const count = (k: string) => plan.filter((t) => t.kind === k).length;
    for (const [kind, n] of Object.entries(defaultMix)) expect(count(kind), kind).toBe(kind === 'harvest' ? 0 : n);
  });

  it('interleaves the kinds instead of sending them in blocks', () => {
    expect(new Set(plan.slice(0, 9).map((t) => t.kind)).size).toBe(9);
  });

  it('sends to valid recipients, except relay attempts to an outside domain; oversize only declares its size', () => {
    for (const t of plan) {
      if (t.kind === 'relay') expect(t.rcpts[0]).toMatch(/@example\.com$/);
      else expect(users).toContain(t.rcpts[0]);
    }
    const oversize = plan.find((t) => t.kind === 'oversize')!;
    expect(oversize.declaredSize).toBe('over-limit');
    expect(oversize.body).toBeUndefined();
  });

  it('a zero count leaves the kind out', () => {
    const none = planTransactions({ domain: 'lab.test', users, mix: { ...defaultMix, legitimate: 0, spam: 0 } });
    expect(none.some((t) => t.kind === 'legitimate' || t.kind === 'spam')).toBe(false);
  });
});

describe('scaledMix', () => {
  it('scales the default mix to about the number of attempts asked, keeping at least one legitimate message', () => {
    const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    const fifty = total(defaultMix);
    expect(Math.abs(total(scaledMix(fifty * 2)) - fifty * 2)).toBeLessThanOrEqual(Object.keys(defaultMix).length);
    expect(scaledMix(fifty * 2).legitimate).toBe(defaultMix.legitimate * 2);
    expect(scaledMix(1).legitimate).toBe(1);
  });
});
