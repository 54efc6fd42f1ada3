// A schema-valid assessment built in code, for unit tests of the report functions.
import { AssessmentSchema, type Assessment, type Finding, type Severity } from '../../../shared/assessment.js';

export function finding(over: Partial<Finding> & { id: string; severity: Severity }): Finding {
  return {
    checkId: over.id.split('.')[1] ?? 'ehlo',
    host: 'mx.example.test',
    port: 25,
    title: `Title of ${over.id}`,
    description: `Description of ${over.id}.`,
    remediation: `Remediation of ${over.id}.`,
    references: ['RFC 5321'],
    evidence: { transcript: ['0.001 ** connected to 192.0.2.25:25 from 198.51.100.7:40000', '0.002 <- 220 mx.example.test ESMTP'] },
    ...over,
  };
}

export function assessment(findings: Finding[], over: Partial<Assessment> = {}): Assessment {
  return AssessmentSchema.parse({
    schemaVersion: 1,
    tool: { name: 'mxaudit', version: '0.1.0' },
    target: { host: 'mx.example.test', port: 25, addresses: ['192.0.2.25'], domain: 'example.test' },
    options: { authorized: true, helo: 'mxaudit.invalid', checks: ['ehlo', 'open-relay'], resolver: ['127.0.0.1:5353'], timeoutMs: 120000 },
    startedAt: '2026-12-03T14:00:00.000Z',
    finishedAt: '2026-12-03T14:01:05.500Z',
    checks: [{ id: 'ehlo', host: 'mx.example.test', port: 25, status: 'fail', durationMs: 12 }],
    findings,
    facts: {},
    hosts: [{ host: 'mx.example.test', port: 25, addresses: ['192.0.2.25'], facts: {} }],
    domainFacts: {},
    ...over,
  });
}
