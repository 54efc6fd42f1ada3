// The verdict rules of the comparison, on small assessments built here: worse findings make a
// row weaker (naming them), better ones stronger; a check that did not conclude on either side
// is never "same" unless both sides said exactly the same thing.
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, type Assessment, type CheckRun, type Finding, type HostFacts } from '../../../shared/assessment.js';
import { compareAssessments } from '../../../main/compare/compare-assessments.js';

function assessment(checks: Partial<CheckRun>[], findings: Partial<Finding>[] = [], facts: HostFacts = {}): Assessment {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mxaudit', version: 'test' },
    target: { host: 'mx.test', port: 25, addresses: ['192.0.2.1'], domain: 'test' },
    options: { authorized: true, helo: 'h', checks: checks.map((c) => c.id!), resolver: ['system'], timeoutMs: 1 },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:01Z',
    checks: checks.map((c) => ({ host: 'mx.test', port: 25, status: 'pass', durationMs: 1, ...c }) as CheckRun),
    findings: findings.map((f) => ({ host: 'mx.test', port: 25, title: 't', description: 'd', evidence: {}, remediation: 'r', references: [], severity: 'medium', ...f }) as Finding),
    facts,
    hosts: [],
    domainFacts: {},
  };
}

const relay = (open: boolean) => ({ open, tested: 18, accepted: open ? [{ from: 'a@x', to: 'b@y', reply: '250 ok' }] : [], tempFailed: 0, viaTls: false, canary: null, spoofedLocalSenderAccepted: false });

describe('compareAssessments', () => {
  const reference = assessment([{ id: 'open-relay' }, { id: 'recipients' }], [], { relay: relay(false) });

  it('an open relay is weaker on the check and on relay.open, explained by smtp.open-relay; the rest is the same', () => {
    const target = assessment([{ id: 'open-relay', status: 'fail' }, { id: 'recipients' }], [{ id: 'smtp.open-relay', checkId: 'open-relay', severity: 'critical' }], { relay: relay(true) });
    const rows = compareAssessments(target, reference);
    expect(rows.find((r) => r.checkId === 'open-relay' && r.fact === 'status')).toMatchObject({ target: 'fail', reference: 'pass', verdict: 'weaker', findingIds: ['smtp.open-relay'] });
    expect(rows.find((r) => r.fact === 'relay.open')).toMatchObject({ target: 'open (1 of 18 relayed)', reference: 'closed (18 refused)', verdict: 'weaker', findingIds: ['smtp.open-relay'] });
    expect(rows.find((r) => r.fact === 'relay.spoofedLocalSender')?.verdict).toBe('same');
    expect(rows.find((r) => r.checkId === 'recipients' && r.fact === 'status')?.verdict).toBe('same');
  });

  it('the other way round, the row is stronger and names no finding', () => {
    const worse = assessment([{ id: 'open-relay', status: 'fail' }], [{ id: 'smtp.open-relay', checkId: 'open-relay', severity: 'critical' }], { relay: relay(true) });
    const better = assessment([{ id: 'open-relay' }], [], { relay: relay(false) });
    expect(compareAssessments(better, worse).find((r) => r.fact === 'relay.open')).toMatchObject({ verdict: 'stronger', findingIds: [] });
  });

  it('a worse severity of the same fact is weaker; an equal one is the same', () => {
    const low = assessment([{ id: 'ehlo', status: 'warn' }], [{ id: 'smtp.size-not-advertised', checkId: 'ehlo', severity: 'low' }]);
    const high = assessment([{ id: 'ehlo', status: 'fail' }], [{ id: 'smtp.auth-before-tls', checkId: 'ehlo', severity: 'high' }, { id: 'smtp.size-not-advertised', checkId: 'ehlo', severity: 'low' }]);
    const rows = compareAssessments(high, low);
    expect(rows.find((r) => r.fact === 'ehlo.authBeforeTls')).toMatchObject({ verdict: 'weaker', findingIds: ['smtp.auth-before-tls'] });
    expect(rows.find((r) => r.fact === 'ehlo.size')?.verdict).toBe('same');
    // The check row names only what the reference does not have too.
    expect(rows.find((r) => r.checkId === 'ehlo' && r.fact === 'status')).toMatchObject({ verdict: 'weaker', findingIds: ['smtp.auth-before-tls'] });
  });

  it('a check in error, skipped for another reason or not run is not comparable, with a note saying why', () => {
    const target = assessment([{ id: 'open-relay', status: 'error', reason: 'inconclusive: timed out' }]);
    const rows = compareAssessments(target, reference);
    expect(rows.find((r) => r.checkId === 'open-relay' && r.fact === 'status')).toMatchObject({ verdict: 'not-comparable', target: 'error: inconclusive: timed out', note: 'target error: inconclusive: timed out' });
    expect(rows.find((r) => r.fact === 'relay.open')?.verdict).toBe('not-comparable');
    expect(rows.find((r) => r.checkId === 'recipients' && r.fact === 'status')).toMatchObject({ verdict: 'not-comparable', target: 'not run' });
  });

  it('skipped on both sides for the same reason is the same; for different reasons, not comparable', () => {
    const a = assessment([{ id: 'mx-consistency', status: 'skipped', reason: 'fewer than two hosts were probed' }]);
    const b = assessment([{ id: 'mx-consistency', status: 'skipped', reason: 'no domain: give --domain' }]);
    expect(compareAssessments(a, a)[0].verdict).toBe('same');
    expect(compareAssessments(a, b)[0].verdict).toBe('not-comparable');
  });

  it('over several hosts the worst status counts', () => {
    const target = assessment([{ id: 'open-relay', host: 'mx1' }, { id: 'open-relay', host: 'mx2', status: 'fail' }], [{ id: 'smtp.open-relay', checkId: 'open-relay', host: 'mx2', severity: 'critical' }], { relay: relay(false) });
    expect(compareAssessments(target, reference).find((r) => r.fact === 'relay.open')).toMatchObject({ verdict: 'weaker', findingIds: ['smtp.open-relay'] });
  });
});
