// `--traffic` against the real lab gateway: every attempt lands in exactly one outcome, the
// per-layer statistics equal the gateway's own counters over the run, and each kind of
// traffic is decided by the layer meant for it. The outcomes are read from the gateway's own
// decisions, so they are also checked against evidence the gateway does not write: the replies
// the client got, and the message files that appeared in the store on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../main/lab/start-lab.js';
import { clientClass, countStore, reconcile, reconcileEvidence, runTraffic, trafficKinds, type StoreCounts, type TrafficResult } from '../../../main/lab/traffic.js';
import { formatTrafficStats } from '../../../main/lab/traffic-table.js';

describe('lab traffic generator', () => {
  let lab: Lab;
  let result: TrafficResult;
  let before: Record<string, Record<string, number>>;
  let after: Record<string, Record<string, number>>;
  let storeBefore: StoreCounts;
  let storeAfter: StoreCounts;
  beforeAll(async () => {
    lab = await startLab();
    before = lab.gateway.counters();
    storeBefore = await countStore(lab.gateway.config.storeDir);
    result = await runTraffic({ host: lab.gateway.host, port: lab.gateway.port }, { domain: lab.domain, users: lab.users, gateway: lab.gateway, mix: { harvest: 24 } });
    after = lab.gateway.counters();
    storeAfter = await countStore(lab.gateway.config.storeDir);
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
    // SIZE= over the limit at MAIL: refused by the listener's own rule, traced and counted.
    expect(byKind.oversize).toEqual({ 'refused:listener': 1 });
    expect(result.attempts.find((a) => a.kind === 'oversize')).toMatchObject({ stage: 'mail', code: 552 });
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

  it('the client-side evidence alone gives the same classes: the replies, and the files in the store folders', () => {
    const { attempts, stats } = result;
    // From the replies only: refused (4xx/5xx), accepted after DATA, no reply.
    const byReply = { refused: 0, 'accepted-at-data': 0, 'accepted-at-rcpt': 0, 'no-reply': 0 };
    for (const a of attempts) byReply[clientClass(a)]++;
    const refusedOutcomes = Object.entries(stats.outcomes).filter(([o]) => o.startsWith('refused:')).reduce((n, [, c]) => n + c, 0);
    expect(byReply).toEqual({ refused: refusedOutcomes, 'accepted-at-data': 10, 'accepted-at-rcpt': 0, 'no-reply': 0 });
    // From the disk only: 8 new messages in inboxes, 2 in junk, none quarantined.
    expect({ inbox: storeAfter.inbox - storeBefore.inbox, junk: storeAfter.junk - storeBefore.junk, quarantine: storeAfter.quarantine - storeBefore.quarantine }).toEqual({
      inbox: stats.outcomes.delivered,
      junk: stats.outcomes.junked,
      quarantine: stats.outcomes.quarantined ?? 0,
    });
    expect(stats.outcomes).toMatchObject({ delivered: 8, junked: 2 });
    expect(reconcileEvidence(attempts, storeBefore, storeAfter)).toEqual([]);
  });

  it('the client-side reconciliation can fail: an outcome its reply contradicts, a message missing from the store', () => {
    const i = result.attempts.findIndex((a) => a.outcome === 'delivered');
    const j = result.attempts.findIndex((a) => a.outcome.startsWith('refused:'));
    const doctored = result.attempts.map((a, k) => (k === i ? { ...a, outcome: 'junked' } : k === j ? { ...a, outcome: 'delivered' } : a));
    // One delivered message said junked, one refusal said delivered: the inbox count still
    // agrees, but the refusal's reply and the junk folder do not.
    expect(reconcileEvidence(doctored, storeBefore, storeAfter)).toEqual([
      expect.stringMatching(/: outcome delivered but the client saw \w+ [45]\d\d \(refused\)$/),
      'junk: 3 attempts filed there, 2 new files on disk',
    ]);
    expect(reconcileEvidence(result.attempts, storeBefore, { ...storeAfter, inbox: storeAfter.inbox - 1 })).toEqual([
      'the client got 250 after DATA 10 times, but 9 messages appeared in the store (and 0 dropped)',
      'inbox: 8 attempts filed there, 7 new files on disk',
    ]);
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
