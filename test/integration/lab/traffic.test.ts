// `--traffic` against the real lab gateway: every attempt lands in exactly one outcome, the
// per-layer statistics equal the gateway's own counters over the run, and each kind of
// traffic is decided by the layer meant for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../main/lab/start-lab.js';
import { reconcile, runTraffic, trafficKinds, type TrafficResult } from '../../../main/lab/traffic.js';
import { formatTrafficStats } from '../../../main/lab/traffic-table.js';

describe('lab traffic generator', () => {
  let lab: Lab;
  let result: TrafficResult;
  let before: Record<string, Record<string, number>>;
  let after: Record<string, Record<string, number>>;
  beforeAll(async () => {
    lab = await startLab();
    before = lab.gateway.counters();
    result = await runTraffic({ host: lab.gateway.host, port: lab.gateway.port }, { domain: lab.domain, users: lab.users, gateway: lab.gateway, mix: { harvest: 24 } });
    after = lab.gateway.counters();
  }, 120_000);
  afterAll(() => lab?.stop());

  it('every attempt is counted in exactly one outcome, and the sums add up', () => {
    const { stats, attempts } = result;
    expect(stats.attempts).toBe(attempts.length);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(stats.outcomes)).toBe(stats.attempts);
    expect(Object.values(stats.byKind).reduce((a, k) => a + sum(k), 0)).toBe(stats.attempts);
    const refused = Object.entries(stats.outcomes).filter(([o]) => o.startsWith('refused:'));
    expect(sum(stats.refusedBy)).toBe(refused.reduce((a, [, n]) => a + n, 0));
    expect(stats.outcomes.error ?? 0).toBe(0);
  });

  it("matches the gateway's own counters over the same period", () => {
    expect(reconcile(result.stats, before, after)).toEqual([]);
    // And a doctored tally does not: the reconciliation can fail.
    const doctored = { ...result.stats, refusedBy: { ...result.stats.refusedBy, antivirus: (result.stats.refusedBy.antivirus ?? 0) + 1 } };
    expect(reconcile(doctored, before, after)).toEqual([expect.stringMatching(/^antivirus: gateway counted \d+ refusals, traffic \d+/)]);
  });

  it('each kind of traffic is decided by the layer meant for it', () => {
    const { byKind } = result.stats;
    expect(byKind.legitimate).toEqual({ delivered: 8 });
    expect(byKind['listed-sender']).toEqual({ 'refused:connection-filter': 4 });
    expect(byKind['spoofed-sender']).toEqual({ 'refused:sender-auth': 2 });
    expect(byKind.spam).toEqual({ 'refused:spam-filter': 2 });
    expect(byKind.suspicious).toEqual({ junked: 2 });
    expect(byKind.virus).toEqual({ 'refused:antivirus': 2 });
    expect(byKind.executable).toEqual({ 'refused:attachment-blocking': 2 });
    // SIZE= over the limit is answered by smtp-server itself, before any gateway hook.
    expect(byKind.oversize).toEqual({ 'refused:smtp-engine': 1 });
    expect(byKind.relay).toEqual({ 'refused:protocol-hygiene': 2 });
    // The harvester is refused recipient by recipient, then cut off (421) past the per-IP limit.
    const harvest = result.attempts.filter((a) => a.kind === 'harvest');
    expect(byKind.harvest).toEqual({ 'refused:recipient-lookup': harvest.length });
    expect(harvest.length).toBeGreaterThan(20);
    expect(harvest.filter((a) => a.code === 550).length).toBe(20);
    expect(harvest.some((a) => a.code === 421)).toBe(true);
  });

  it('what the client saw agrees with the outcome: 250 after DATA for delivered and junked mail, 4xx/5xx for refusals', () => {
    for (const a of result.attempts) {
      if (a.outcome === 'delivered' || a.outcome === 'junked') expect([a.stage, a.code]).toEqual(['data', 250]);
      else expect(a.code, `${a.kind}: ${a.reply}`).toBeGreaterThanOrEqual(400);
    }
  });

  const none = Object.fromEntries(trafficKinds.map((k) => [k, 0]));
  it("without the gateway's events (any target), outcomes come from the replies alone and still add up", async () => {
    const r = await runTraffic({ host: lab.gateway.host, port: lab.gateway.port }, { domain: lab.domain, users: lab.users, mix: { ...none, legitimate: 2, relay: 1, harvest: 2 } });
    expect(Object.keys(r.stats.outcomes).sort()).toEqual(['accepted', 'refused:unknown layer']);
    expect(r.stats.outcomes.accepted).toBe(2);
    expect(r.stats.attempts).toBe(r.attempts.length);
    for (const a of r.attempts) expect(a.outcome).toBe(a.code !== null && a.code < 400 ? 'accepted' : 'refused:unknown layer');
  }, 60_000);

  it('prints the statistics per layer', () => {
    const text = formatTrafficStats(result.stats);
    expect(text).toMatch(new RegExp(`^Traffic: ${result.stats.attempts} attempts`));
    expect(text).toMatch(/\b8\s+\S+ %\s+delivered to the inbox/);
    expect(text).toMatch(/refused by recipient-lookup/);
    expect(text).toMatch(new RegExp(`out of ${result.stats.attempts} submission attempts, 8 reached an inbox and ${result.stats.attempts - 10} were refused`));
  });
});
