import { describe, expect, it } from 'vitest';
import { buildReportModel, sortFindings, sourceAddresses } from '../../../main/report/report-model.js';
import { EXCERPT_LINES } from '../../../main/report/finding-view.js';
import { MAX_LINE_CHARS } from '../../../main/report/safe-text.js';
import { assessment, finding } from './assessment-fixture.js';

const longTranscript = Array.from({ length: 40 }, (_, i) => `0.${String(i).padStart(3, '0')} <- 250-LINE${i}`);

describe('report model', () => {
  const a = assessment([
    finding({ id: 'smtp.legacy-extensions', severity: 'low' }),
    finding({ id: 'smtp.open-relay', severity: 'critical', checkId: 'open-relay', evidence: { transcript: longTranscript, accepted: [{ from: '', to: 'x@example.com' }] } }),
    finding({ id: 'smtp.spoofed-local-sender', severity: 'medium', checkId: 'open-relay', evidence: { transcript: longTranscript } }),
    finding({ id: 'spf.missing', severity: 'medium', host: 'example.test', port: 0, checkId: 'spf', evidence: {} }),
  ]);
  const m = buildReportModel(a, { meta: { engagement: 'Q4 audit', client: 'ACME' }, generatedAt: new Date('2026-12-04T10:00:00Z') });

  it('sorts findings most severe first and counts them by severity', () => {
    expect(m.findings.map((f) => [f.ref, f.id])).toEqual([
      ['F-01', 'smtp.open-relay'],
      ['F-02', 'smtp.spoofed-local-sender'],
      ['F-03', 'spf.missing'],
      ['F-04', 'smtp.legacy-extensions'],
    ]);
    expect(Object.fromEntries(m.counts.map((c) => [c.severity, c.count]))).toEqual({ critical: 1, high: 0, medium: 2, low: 1, info: 0 });
    expect(m.posture.level).toBe('critical');
    expect(sortFindings(a.findings)[0].id).toBe('smtp.open-relay');
  });

  it('top issues speak plain language, medium and above, with the finding refs', () => {
    expect(m.topIssues.map((t) => t.refs)).toEqual([['F-01'], ['F-02'], ['F-03']]);
    expect(m.topIssues[0].text).toMatch(/Anyone on the Internet can send spam through your mail server/);
  });

  it('trims long transcripts to an excerpt pointing to one shared appendix', () => {
    const relay = m.findings[0];
    expect(relay.excerpt).toHaveLength(EXCERPT_LINES);
    expect(relay.excerptNote).toBe(`${EXCERPT_LINES} of 40 lines shown; the full transcript is appendix A-1.`);
    // Both open-relay findings cite the same transcript: one appendix, cited twice.
    expect(m.findings[1].transcriptRef).toBe('A-1');
    expect(m.appendices.transcripts[0]).toMatchObject({ ref: 'A-1', findings: ['F-01', 'F-02'] });
    expect(m.appendices.transcripts[0].lines).toHaveLength(40);
    expect(relay.details).toEqual([['accepted', '[{"from":"","to":"x@example.com"}]']]);
    expect(m.findings[2].place).toBe('example.test');
  });

  it('method: resolver, source address from the transcript, duration; cover from the meta', () => {
    const rows = Object.fromEntries(m.method.rows);
    expect(rows['DNS resolver']).toBe('127.0.0.1:5353');
    expect(rows['Source address']).toBe('198.51.100.7');
    expect(rows.Duration).toBe('1 min 6 s');
    expect(m.cover).toMatchObject({ engagement: 'Q4 audit', client: 'ACME', consultant: null, date: '2026-12-03', generatedAt: '2026-12-04T10:00:00.000Z' });
    expect(sourceAddresses(assessment([finding({ id: 'smtp.x', severity: 'low', evidence: { transcript: ['0.001 ** connected to [::1]:25 from [::1]:5000'] } })]))).toEqual(['::1']);
  });

  it('scope says whether active tests were authorized', () => {
    expect(m.scope.statement).toMatch(/confirmed written authorization/);
    const passive = buildReportModel(assessment([], { options: { ...a.options, authorized: false } }));
    expect(passive.scope.statement).toMatch(/only passive checks ran/);
    expect(passive.posture.level).toBe('none');
    expect(passive.topIssues).toEqual([]);
  });

  it('server text: control characters made visible, long lines cut with a marker', () => {
    const hostile = assessment([
      finding({ id: 'smtp.banner-disclosure', severity: 'low', description: `banner \x1b[31mred\x1b[0m \u202eevil`, evidence: { transcript: [`0.001 <- 220 ${'A'.repeat(1024 * 1024)}`] } }),
    ]);
    const f = buildReportModel(hostile).findings[0];
    expect(f.description).toBe('banner \\x1b[31mred\\x1b[0m \\u202eevil');
    expect(f.excerpt[0].length).toBeLessThan(MAX_LINE_CHARS + 60);
    expect(f.excerpt[0]).toMatch(/\[\.\.\. \d+ more characters\]$/);
  });

  it('a comparison from the assessment is shown; none without one', () => {
    expect(m.comparison).toBeNull();
    const compared = buildReportModel({ ...a, comparison: [{ checkId: 'open-relay', fact: 'relay.open', target: 'true', reference: 'false', verdict: 'weaker', findingIds: ['smtp.open-relay'] }] });
    expect(compared.comparison?.rows).toEqual([['open-relay', 'relay.open', 'true', 'false', 'weaker', 'smtp.open-relay']]);
  });

  it('per-host matrix only for several hosts', () => {
    expect(m.hostMatrix).toBeNull();
    const two = assessment([finding({ id: 'smtp.open-relay', severity: 'critical', host: 'mx2.example.test' })], {
      hosts: [
        { host: 'mx1.example.test', port: 25, addresses: ['192.0.2.1'], facts: { relay: { open: false, tested: 1, accepted: [], tempFailed: 0, viaTls: false, canary: null, spoofedLocalSenderAccepted: false } } },
        { host: 'mx2.example.test', port: 25, addresses: ['192.0.2.2'], facts: { relay: { open: true, tested: 1, accepted: [], tempFailed: 0, viaTls: false, canary: null, spoofedLocalSenderAccepted: true } } },
      ],
    });
    const hm = buildReportModel(two).hostMatrix!;
    expect(hm.columns).toEqual(['mx1.example.test:25 (192.0.2.1)', 'mx2.example.test:25 (192.0.2.2)']);
    expect(hm.rows.find((r) => r.label === 'Open relay')?.cells).toEqual(['no', 'yes']);
    expect(hm.rows.find((r) => r.label === 'smtp.open-relay')?.cells).toEqual(['-', 'critical']);
  });
});
