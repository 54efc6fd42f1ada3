// RFC 5782 self-test of each block list the gateway uses, per address family: at first use,
// then again once the interval has passed. A zone that fails is not asked about clients (a
// list that lists everything, or a resolver rewriting NXDOMAIN, would otherwise refuse all
// mail) until a later self-test passes; each change is kept as an alert for the operator.
import { TEST_POINTS, dnsblQueryName, type AddressFamily } from '../../dns/dnsbl/address.js';
import { classifyCodes, classifyError, verdict, type Answer } from '../../dns/dnsbl/classify.js';
import type { DnsblZone } from '../../dns/dnsbl/zones.js';

/** One A question, dns.promises style (string[] of addresses; errors carry node's codes). */
export type AQuery = (name: string) => Promise<string[]>;

export interface ZoneHealth {
  zone: string;
  family: AddressFamily;
  ok: boolean;
  /** Why the zone is disabled (self-test failure, refusal, timeout); null when ok. */
  reason: string | null;
  /** Gateway clock (ms) of the last self-test. */
  checkedAt: number;
}

export interface HealthState {
  byKey: Map<string, ZoneHealth>;
  /** Self-tests in flight, so concurrent sessions share one. */
  running: Map<string, Promise<ZoneHealth>>;
  alerts: string[];
}

export const newHealthState = (): HealthState => ({ byKey: new Map(), running: new Map(), alerts: [] });

export function zoneHealth(state: HealthState): ZoneHealth[] {
  return [...state.byKey.values()];
}

/** The zone's health for this family, self-testing it first when never or too long ago tested. */
export function checkedHealth(state: HealthState, zone: DnsblZone, family: AddressFamily, query: AQuery, now: () => number, intervalMs: number): Promise<ZoneHealth> {
  const key = `${zone.zone}/${family}`;
  const known = state.byKey.get(key);
  if (known && now() - known.checkedAt < intervalMs) return Promise.resolve(known);
  let running = state.running.get(key);
  if (!running) {
    running = selfTest(zone, family, query, now).then((h) => {
      record(state, key, known, h);
      return h;
    });
    running.finally(() => state.running.delete(key)).catch(() => {});
    state.running.set(key, running);
  }
  return running;
}

async function selfTest(zone: DnsblZone, family: AddressFamily, query: AQuery, now: () => number): Promise<ZoneHealth> {
  const points = TEST_POINTS[family];
  const answer = (ip: string): Promise<Answer> => query(dnsblQueryName(ip, zone.zone)).then((codes) => classifyCodes(zone, codes), classifyError);
  const [listedPoint, unlistedPoint] = await Promise.all([answer(points.listed), answer(points.unlisted)]);
  // No client address is involved: a clean target leaves only the test points to judge.
  const v = verdict(zone, { listedPoint, unlistedPoint, target: { kind: 'clean' }, points });
  const ok = v.status === 'clean';
  return { zone: zone.zone, family, ok, reason: ok ? null : `${v.status}: ${v.meaning ?? 'no detail'}`, checkedAt: now() };
}

function record(state: HealthState, key: string, before: ZoneHealth | undefined, after: ZoneHealth): void {
  state.byKey.set(key, after);
  if (!after.ok && (before?.ok ?? true)) state.alerts.push(`block list ${after.zone} (${after.family}) disabled: ${after.reason}`);
  if (after.ok && before && !before.ok) state.alerts.push(`block list ${after.zone} (${after.family}) enabled again: RFC 5782 self-test passed`);
}
