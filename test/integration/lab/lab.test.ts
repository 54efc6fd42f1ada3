// The lab end to end, in-process: the reference gateway probed with every check has no finding
// of severity low or above, what cannot apply on loopback says so, stop() frees every port;
// then a real Postfix open relay accepting every recipient compares "weaker" on those points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { severityRank, type Assessment } from '../../../shared/assessment.js';
import { startLab, type Lab } from '../../../main/lab/start-lab.js';
import { probeLab } from '../../../main/lab/reference.js';
import { compareAssessments } from '../../../main/compare/compare-assessments.js';
import { startPostfix, type PostfixInstance } from '../../support/postfix.js';
import { describePostfix, probePostfix } from '../../support/probe-postfix.js';
import { registry } from '../../../main/probe/registry.js';
import { portsFree } from './ports.js';

let reference: Assessment;

describe('mxaudit lab, in-process', () => {
  let lab: Lab;
  let ports: { host: string; tcp: number[]; udp: number[] };
  beforeAll(async () => {
    lab = await startLab();
    ports = { host: '127.0.0.1', tcp: [lab.gateway.port, lab.dns.port, lab.policy.port], udp: [lab.dns.port] };
    reference = await probeLab(lab);
  }, 90_000);
  afterAll(() => lab?.stop());

  it('runs every registered check, authorized, through the lab resolver with the lab CA', () => {
    // In the registry's order, as any assessment, though the lab starts the slow checks first.
    expect(reference.checks.map((c) => c.id)).toEqual(registry.map((d) => d.id));
    expect(reference.options.checks).toEqual(registry.map((d) => d.id));
    expect(reference.options.authorized).toBe(true);
    expect(reference.options.resolver).toEqual([lab.dns.server]);
    expect(reference.target).toMatchObject({ host: 'mx.lab.test', port: lab.gateway.port, addresses: ['127.0.0.1'], domain: 'lab.test' });
  });

  it('self-consistency: no finding of severity low or above, no check in error', () => {
    const serious = reference.findings.filter((f) => severityRank[f.severity] >= severityRank.low);
    expect(serious.map((f) => `${f.id}: ${f.description}`)).toEqual([]);
    expect(reference.checks.filter((c) => c.status === 'error' || c.status === 'fail' || c.status === 'warn')).toEqual([]);
  });

  it('checks that conclude really looked: relay closed, unknown recipients refused after the tarpit, TLS trusted, DNS records valid', () => {
    expect(reference.facts.relay).toMatchObject({ open: false, spoofedLocalSenderAccepted: false });
    expect(reference.facts.recipients?.acceptAll).toBe(false);
    expect(reference.facts.harvest?.defence).toMatchObject({ delayed: true, perIp: true });
    // The lab runs harvest alongside the other checks (reference.ts): its samples still carry
    // the full 5 s tarpit, in the long connection and in the fresh one.
    expect(reference.facts.harvest).toMatchObject({ samples: 2, connections: 2 });
    expect((reference.facts.harvest as { unknownMedianMs: number }).unknownMedianMs).toBeGreaterThanOrEqual(4_900);
    const harvestRun = reference.checks.find((c) => c.id === 'harvest')!;
    expect(harvestRun.durationMs).toBeGreaterThanOrEqual(9_800);
    expect(reference.facts.tls).toMatchObject({ offered: true, trusted: true, hostnameMatch: true });
    expect(reference.facts.size?.enforced).toBe(true);
    expect(reference.domainFacts.mtaSts).toMatchObject({ mode: 'enforce', mxCovered: true, error: null });
    expect(reference.facts.rbl?.every((r) => r.status === 'clean')).toBe(true);
    expect(reference.facts.ptr).toMatchObject({ names: ['mx.lab.test'], forwardConfirmed: true });
  });

  it('what cannot hold on loopback is skipped "not applicable in lab", with the TLSA records still matched', () => {
    const dane = reference.checks.find((c) => c.id === 'dane')!;
    expect(dane.status).toBe('skipped');
    expect(dane.reason).toMatch(/^not applicable in lab: .*DNSSEC.*match/);
    expect((reference.facts.dane as { matched: unknown[] }).matched).toHaveLength(1);
    for (const c of reference.checks.filter((x) => x.status === 'skipped')) expect(c.reason, c.id).toBeTruthy();
  });

  it('stop() frees every port and removes its working directory', async () => {
    const dir = lab.dir;
    expect(await portsFree(ports.host, ports.tcp, ports.udp)).toBe(false);
    await lab.stop();
    expect(await portsFree(ports.host, ports.tcp, ports.udp)).toBe(true);
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describePostfix('comparison: a Postfix open relay accepting every recipient vs the reference', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await startPostfix({ main: { mynetworks: '127.0.0.0/8' }, recipients: null, tls: 'may' });
  });
  afterAll(() => pf?.stop());

  it('marks relay and recipient handling weaker, explained by smtp.open-relay and smtp.accepts-unknown-recipients', async () => {
    expect(reference, 'the lab suite above ran first').toBeDefined();
    const target = await probePostfix(pf, ['ehlo', 'open-relay', 'recipients', 'size-limit', 'harvest', 'starttls']);
    const rows = compareAssessments(target, reference);
    const row = (fact: string) => rows.find((r) => r.fact === fact)!;
    expect(row('relay.open')).toMatchObject({ checkId: 'open-relay', verdict: 'weaker', findingIds: ['smtp.open-relay'], reference: expect.stringMatching(/^closed/), target: expect.stringMatching(/^open/) });
    expect(row('recipients.unknown')).toMatchObject({ checkId: 'recipients', verdict: 'weaker', findingIds: ['smtp.accepts-unknown-recipients'], target: 'accepted (250)', reference: 'refused (550)' });
    expect(rows.find((r) => r.checkId === 'open-relay' && r.fact === 'status')).toMatchObject({ verdict: 'weaker', findingIds: expect.arrayContaining(['smtp.open-relay']) });
    // Not run against Postfix: not comparable, never "same".
    expect(rows.find((r) => r.checkId === 'spf' && r.fact === 'status')).toMatchObject({ verdict: 'not-comparable', target: 'not run' });
    // Harvesting makes no sense where every address is accepted: said, not compared.
    expect(row('harvest.enumerate4Char').verdict).toBe('not-comparable');
  }, 120_000);
});
