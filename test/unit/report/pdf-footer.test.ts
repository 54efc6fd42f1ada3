// The footer is drawn by pdf-footer.tsx itself: every sheet has "Page i of N" at the right, the
// title and client at the left, a client name too long for the line cut with an ellipsis.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pdfReport } from '../../../main/report/pdf/pdf-report.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { assessment, finding } from './assessment-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pdf-footer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('every page numbered i of N, the client in the footer, a long name cut inside the margin', async () => {
  const findings = Array.from({ length: 12 }, (_, i) => finding({ id: `smtp.check-${i}`, severity: 'medium', description: 'Described at length. '.repeat(40) }));
  const client = `Почта Ωmega ${'Ĳssel Mail GmbH '.repeat(12)}END`;
  const file = join(dir, 'footer.pdf');
  writeFileSync(file, await pdfReport(buildReportModel(assessment(findings), { meta: { client } })));
  const pages = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-']).toString('utf8').split('\f').slice(0, -1);
  expect(pages.length).toBeGreaterThan(3);
  pages.forEach((text, i) => {
    const footer = text.trimEnd().split('\n').at(-1)!;
    expect(footer, `page ${i + 1}`).toMatch(new RegExp(`Page ${i + 1} of ${pages.length}$`));
    expect(footer).toContain('Mail server security assessment · Почта Ωmega Ĳssel Mail GmbH');
    expect(footer).toContain('…');
    expect(footer).not.toContain('END');
  });
  const bbox = execFileSync('pdftotext', ['-bbox', file, '-']).toString('utf8');
  const xMax = [...bbox.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(Math.max(...xMax)).toBeLessThanOrEqual(595.28 - 44 + 0.5);
}, 60_000);
