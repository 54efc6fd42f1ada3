// Per-IP connection limits: concurrency held per session and released at its end, attempts
// within a sliding window, XCLIENT moving a session's slot to the presented client.
import { describe, expect, it } from 'vitest';
import { admit, newClientCounters, release, type Limits } from '../../../main/gateway/connection/client-limits.js';

const limits: Limits = { maxConnectionsPerIp: 2, maxConnectionRatePerIp: 3, rateWindowMs: 60_000 };
const roomy: Limits = { ...limits, maxConnectionRatePerIp: 100 };

describe('admit and release', () => {
  it('refuses a connection over the concurrency of its address only, and admits again after a release', () => {
    const c = newClientCounters();
    expect(admit(c, 's1', '192.0.2.1', 0, roomy)).toBeNull();
    expect(admit(c, 's2', '192.0.2.1', 1, roomy)).toBeNull();
    expect(admit(c, 's3', '192.0.2.1', 2, roomy)).toBe('Too many connections from 192.0.2.1');
    expect(admit(c, 's4', '192.0.2.2', 3, roomy)).toBeNull();
    release(c, 's3'); // refused: held nothing
    expect(admit(c, 's5', '192.0.2.1', 4, roomy)).toBe('Too many connections from 192.0.2.1');
    release(c, 's1');
    expect(admit(c, 's6', '192.0.2.1', 5, roomy)).toBeNull();
  });

  it('counts attempts in a sliding window, refused ones included', () => {
    const c = newClientCounters();
    for (const [i, t] of [0, 10_000, 20_000].entries()) {
      expect(admit(c, `s${i}`, '192.0.2.1', t, limits)).toBeNull();
      release(c, `s${i}`);
    }
    expect(admit(c, 'a', '192.0.2.1', 59_999, limits)).toBe('Too many connections from 192.0.2.1 in 60 s');
    // 0 has left the window, but the refused attempt at 59 999 is in it.
    expect(admit(c, 'b', '192.0.2.1', 60_000, limits)).toBe('Too many connections from 192.0.2.1 in 60 s');
    expect(admit(c, 'c', '192.0.2.1', 80_000, limits)).toBeNull();
  });

  it('a session presenting another client (XCLIENT) moves its slot to that client', () => {
    const c = newClientCounters();
    admit(c, 's1', '192.0.2.1', 0, roomy);
    admit(c, 's2', '192.0.2.1', 0, roomy);
    expect(admit(c, 's2', '192.0.2.9', 1, roomy)).toBeNull();
    expect(admit(c, 's3', '192.0.2.1', 2, roomy)).toBeNull();
    expect(c.open).toEqual(new Map([['192.0.2.1', 2], ['192.0.2.9', 1]]));
    for (const s of ['s1', 's2', 's3']) release(c, s);
    expect(c.open.size).toBe(0);
    expect(c.holder.size).toBe(0);
  });

  it('forgets addresses not seen for a whole window', () => {
    const c = newClientCounters();
    admit(c, 's1', '192.0.2.1', 100_000, limits);
    admit(c, 's2', '192.0.2.2', 150_000, limits);
    admit(c, 's3', '192.0.2.3', 200_000, limits);
    expect([...c.attempts.keys()]).toEqual(['192.0.2.2', '192.0.2.3']);
  });
});
