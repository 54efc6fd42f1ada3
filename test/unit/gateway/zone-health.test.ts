// The block lists' RFC 5782 self-test over time: at first use, not again within the interval,
// again after it; a failing list disabled, a recovered one enabled, each change an alert.
import { describe, expect, it } from 'vitest';
import { checkedHealth, newHealthState, zoneHealth, type AQuery } from '../../../main/gateway/connection/zone-health.js';
import { describeZone } from '../../../main/dns/dnsbl/zones.js';

const zone = describeZone('bl.lab.test');
const HOUR = 3_600_000;

/** A list that answers its test points correctly until `broken` is set, then lists everything. */
function fakeList() {
  const asked: string[] = [];
  const dns = { broken: false };
  const query: AQuery = async (name) => {
    asked.push(name);
    await new Promise((r) => setTimeout(r, 2));
    if (dns.broken || name === '2.0.0.127.bl.lab.test') return ['127.0.0.2'];
    throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return { query, asked, dns };
}

describe('checkedHealth', () => {
  it('self-tests at first use, once for concurrent callers, and not again within the interval', async () => {
    const list = fakeList();
    const state = newHealthState();
    let clock = 1000;
    const now = () => clock;
    const [a, b] = await Promise.all([checkedHealth(state, zone, 'ipv4', list.query, now, HOUR), checkedHealth(state, zone, 'ipv4', list.query, now, HOUR)]);
    expect(a).toBe(b);
    expect(a).toEqual({ zone: 'bl.lab.test', family: 'ipv4', ok: true, reason: null, checkedAt: 1000 });
    expect(list.asked.sort()).toEqual(['1.0.0.127.bl.lab.test', '2.0.0.127.bl.lab.test']);
    clock += HOUR - 1;
    await checkedHealth(state, zone, 'ipv4', list.query, now, HOUR);
    expect(list.asked).toHaveLength(2);
    expect(state.alerts).toEqual([]);
  });

  it('disables a list that starts failing at the next self-test, and enables it again once it passes', async () => {
    const list = fakeList();
    const state = newHealthState();
    let clock = 0;
    const now = () => clock;
    await checkedHealth(state, zone, 'ipv4', list.query, now, HOUR);
    list.dns.broken = true;
    clock = HOUR;
    expect(await checkedHealth(state, zone, 'ipv4', list.query, now, HOUR)).toMatchObject({
      ok: false,
      reason: 'unreliable: RFC 5782 self-test failed: test point 127.0.0.1 is listed (127.0.0.2)',
      checkedAt: HOUR,
    });
    clock = 2 * HOUR;
    await checkedHealth(state, zone, 'ipv4', list.query, now, HOUR);
    list.dns.broken = false;
    clock = 3 * HOUR;
    expect(await checkedHealth(state, zone, 'ipv4', list.query, now, HOUR)).toMatchObject({ ok: true, reason: null });
    expect(state.alerts).toEqual([
      'block list bl.lab.test (ipv4) disabled: unreliable: RFC 5782 self-test failed: test point 127.0.0.1 is listed (127.0.0.2)',
      'block list bl.lab.test (ipv4) enabled again: RFC 5782 self-test passed',
    ]);
  });

  it('tests each address family on its own (IPv6 test points by nibble)', async () => {
    const list = fakeList();
    const state = newHealthState();
    const h = await checkedHealth(state, zone, 'ipv6', list.query, () => 0, HOUR);
    expect(h).toMatchObject({ family: 'ipv6', ok: false, reason: 'unreliable: RFC 5782 self-test failed: test point ::ffff:7f00:2 is not listed' });
    expect(list.asked.every((n) => n.split('.').length === 32 + 3)).toBe(true);
    expect(zoneHealth(state).map((z) => `${z.zone}/${z.family}`)).toEqual(['bl.lab.test/ipv6']);
  });

  it('a resolver error is a failed self-test, never a pass', async () => {
    const state = newHealthState();
    const servfail: AQuery = () => Promise.reject(Object.assign(new Error('SERVFAIL'), { code: 'ESERVFAIL' }));
    expect(await checkedHealth(state, zone, 'ipv4', servfail, () => 0, HOUR)).toMatchObject({ ok: false, reason: "unreliable: SERVFAIL: the list's name servers gave no answer" });
  });
});
