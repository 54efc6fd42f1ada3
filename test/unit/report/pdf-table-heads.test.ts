// Long tables keep their head row at the top of every page they run onto: the drawn appendix
// grids (pdf-grid.tsx) and the body's tables of Text cells (pdf-table.tsx) alike.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pdfReport } from '../../../main/report/pdf/pdf-report.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { assessment, finding } from './assessment-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pdf-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each page's lines (pdftotext -layout). */
function pages(file: string): string[][] {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-']).toString('utf8').split('\f').slice(0, -1).map((p) => p.split('\n'));
}

it('the head row repeats above the rows on every page a long table spans', async () => {
  const m = buildReportModel(assessment([finding({ id: 'smtp.open-relay', severity: 'critical' })]));
  m.method.checks = Array.from({ length: 150 }, (_, i) => [`check-${i}`, `mx${i}.example.test:25`, 'pass', '3 ms', '']);
  m.appendices.dns = Array.from({ length: 200 }, (_, i) => [`TXT record ${i}`, `v=spf1 ip4:192.0.2.${i % 250} -all`]);
  const file = join(dir, 'heads.pdf');
  writeFileSync(file, await pdfReport(m));
  const all = pages(file);
  for (const [row, head] of [
    [/^\s*check-\d+\s/, /^\s*Check\s+Where\s+Status\s+Time\s+Reason/],
    [/^\s*TXT record \d+\s/, /^\s*Fact\s+Value\s*$/],
  ] as const) {
    const spanned = all.filter((lines) => lines.some((l) => row.test(l)));
    expect(spanned.length, String(row)).toBeGreaterThanOrEqual(2);
    for (const lines of spanned) {
      const headAt = lines.findIndex((l) => head.test(l));
      expect(headAt, `${head} on a page with ${row}`).toBeGreaterThanOrEqual(0);
      expect(headAt).toBeLessThan(lines.findIndex((l) => row.test(l)));
    }
  }
  // Every row once, in order.
  const text = all.flat().join('\n');
  let from = 0;
  for (let i = 0; i < 200; i++) {
    const at = text.indexOf(`TXT record ${i} `, from);
    expect(at, `row ${i}`).toBeGreaterThanOrEqual(from);
    from = at;
  }
}, 60_000);
