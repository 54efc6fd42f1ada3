// Reports built from the lab: the reference assessment (the real lab gateway probed in-process)
// as the "expected good" column of a real Postfix open relay's report, read back with
// pdftotext; and the lab's own report, which must say it found nothing of concern.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeReports } from '../../../main/report/write-reports.js';
import { compareAssessments } from '../../../main/compare/compare-assessments.js';
import { referenceAssessment } from '../../../main/lab/reference.js';
import { severityRank, type Assessment, type ComparisonRow } from '../../../shared/assessment.js';
import { startPostfix } from '../../support/postfix.js';
import { describePostfix, probePostfix } from '../../support/probe-postfix.js';
import { pdfLayoutText, pdfOutline, pdfPages, pdfText, renderPages } from './pdf-tools.js';

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describePostfix('reports with the lab as the reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-lab-report-'));
  const out = (name: string) => join(dir, name);
  let reference: Assessment;
  let target: Assessment;
  let rows: ComparisonRow[];
  beforeAll(async () => {
    // The lab and the Postfix open relay (no recipient validation) are probed side by side.
    const [ref, relay] = await Promise.all([
      referenceAssessment(),
      (async () => {
        const pf = await startPostfix({ main: { mynetworks: '127.0.0.0/8' }, recipients: null, tls: 'may' });
        try {
          const { unreachable: _u, ...a } = await probePostfix(pf, ['ehlo', 'open-relay', 'recipients', 'size-limit', 'starttls']);
          return a;
        } finally {
          await pf.stop();
        }
      })(),
    ]);
    reference = ref;
    target = relay;
    rows = compareAssessments(target, reference);
    await writeReports(target, { pdf: out('relay.pdf'), html: out('relay.html'), csv: out('relay.csv') }, { reference, meta: { engagement: 'Relay vs lab' } });
    await writeReports(reference, { pdf: out('lab.pdf'), html: out('lab.html'), csv: out('lab.csv') }, { meta: { engagement: 'mxaudit lab: reference gateway' } });
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the assessments are what the comparison needs: the lab self-consistent, the relay open and accepting anyone', () => {
    expect(reference.findings.filter((f) => severityRank[f.severity] >= severityRank.low)).toEqual([]);
    expect(target.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['smtp.open-relay', 'smtp.accepts-unknown-recipients']));
  });

  it('PDF: the comparison table shows relay and recipient handling weaker than the lab, with the findings that explain it', () => {
    // With the layout kept, each table row starts a line: check, fact, target, reference,
    // verdict, findings; wrapped cells continue on the following indented lines.
    const layout = pdfLayoutText(out('relay.pdf'));
    const table = layout.slice(layout.indexOf('Target vs reference'));
    expect(table.length).toBeLessThan(layout.length);
    expect(table).toMatch(/^Check\s+Fact\s+Target\s+Reference\s+Verdict\s+Findings \/ note$/m);
    const lines = table.split('\n');
    /** The row of check/fact: its first line and the indented lines that continue it. */
    const rowText = (checkId: string, fact: string) => {
      const at = lines.findIndex((l) => new RegExp(`^${escapeRegExp(checkId)}\\s+${escapeRegExp(fact)}(\\s|$)`).test(l));
      expect(at, `${checkId} ${fact} in the table`).toBeGreaterThanOrEqual(0);
      let end = at + 1;
      while (end < lines.length && /^\s+\S/.test(lines[end])) end++;
      return { first: lines[at], all: collapse(lines.slice(at, end).join(' ')) };
    };
    // The two rows the issue names, on one line each, the lab's values in the reference column.
    expect(rowText('open-relay', 'relay.open').first).toMatch(/^open-relay\s+relay\.open\s+open \(\d+ of \d+\s+closed \(\d+ refused\)\s+weaker\s+smtp\.open-relay$/);
    expect(rowText('recipients', 'recipients.unknown').first).toMatch(/^recipients\s+recipients\.unknown\s+accepted \(250\)\s+refused \(550\)\s+weaker\s+smtp\.accepts-unknown-recipients$/);
    // Every weaker row of the comparison is in the table, with its verdict and finding ids.
    const weaker = rows.filter((r) => r.verdict === 'weaker');
    expect(weaker.map((r) => `${r.checkId} ${r.fact}`)).toEqual(expect.arrayContaining(['open-relay status', 'open-relay relay.open', 'recipients status', 'recipients recipients.unknown']));
    for (const r of weaker) {
      const { all } = rowText(r.checkId, r.fact);
      expect(all, `${r.checkId} ${r.fact}`).toMatch(/\sweaker\s/);
      for (const id of r.findingIds) expect(all, `${r.checkId} ${r.fact}`).toContain(id);
    }
    // The lab column: what the reference concluded, e.g. the harvest tarpit the relay lacks.
    expect(rowText('harvest', 'harvest.enumerate4Char').all).toMatch(/not run .*3 months for all .*4-char aliases \(5\.0 (?:\S+ )?s per unknown\)/);
    // Checks the relay was not probed with are not compared, never called "same".
    expect(rowText('spf', 'status').first).toMatch(/^spf\s+status\s+not run\s+pass\s+not comparable/);
    expect(pdfOutline(out('relay.pdf'))).toContain('Target vs reference');
  });

  it('HTML carries the same weaker rows; CSV one row per finding of the relay', () => {
    const html = readFileSync(out('relay.html'), 'utf8');
    expect(html).toContain('Target vs reference');
    for (const id of ['smtp.open-relay', 'smtp.accepts-unknown-recipients']) expect(html).toMatch(new RegExp(`weaker[\\s\\S]{0,200}${escapeRegExp(id)}`));
    const csv = readFileSync(out('relay.csv'), 'utf8');
    expect(csv.slice(1).split('\r\n').filter((l) => /^"?'?F-\d+/.test(l))).toHaveLength(target.findings.length);
  });

  it("the lab's own report says it found nothing of concern", () => {
    const text = pdfText(out('lab.pdf'));
    expect(text).toContain('mxaudit lab: reference gateway');
    expect(text).toContain('No issues were found by the checks that ran.');
    expect(text).toMatch(/Findings No findings\./);
    expect(text).not.toContain('Target vs reference');
    expect(reference.findings).toEqual([]);
    const html = readFileSync(out('lab.html'), 'utf8');
    expect(html).toContain('<p>No findings.</p>');
    const csv = readFileSync(out('lab.csv'), 'utf8');
    expect(csv.slice(1).split('\r\n').filter((l) => /^"?'?F-\d+/.test(l))).toHaveLength(0);
  });

  it.each(['relay', 'lab'])('PDF (%s): pdftoppm renders every page (first pages kept in test-artifacts/report)', (name) => {
    const pages = pdfPages(out(`${name}.pdf`));
    expect(pages).toBeGreaterThan(1);
    expect(renderPages(out(`${name}.pdf`), `lab-report-${name}`)).toBe(pages);
  });
});
