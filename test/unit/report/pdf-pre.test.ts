// Preformatted evidence is drawn by pdf-pre.tsx itself (wrapped at a column count, in Canvas
// blocks): the real PDF must keep every character as text, in order, and inside the page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfReport } from '../../../main/report/pdf/pdf-report.js';
import { columnsFor, PRE_WIDTH_FINDING } from '../../../main/report/pdf/pdf-pre.js';
import { wrapLines } from '../../../main/report/pdf/pdf-canvas.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { assessment, finding } from './assessment-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pdf-pre-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wrapLines', () => {
  it('keeps short lines, cuts long ones at a late space or at the column, loses no character', () => {
    const long = `0.001 <- 250 ${'word '.repeat(30)}end`;
    const unbroken = 'x'.repeat(95);
    const out = wrapLines(['short', long, unbroken, ''], 40);
    expect(out[0]).toBe('short');
    for (const l of out) expect([...l].length).toBeLessThanOrEqual(40);
    expect(out.at(-1)).toBe('');
    expect(out.slice(-4, -1)).toEqual(['x'.repeat(40), 'x'.repeat(40), 'x'.repeat(15)]);
    expect(out.slice(1, -4).join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
    expect(out[1].endsWith('word')).toBe(true);
  });

  it('counts code points, not UTF-16 units, and expands tabs', () => {
    expect(wrapLines(['𝔸'.repeat(30)], 20).map((l) => [...l].length)).toEqual([20, 10]);
    expect(wrapLines(['a\tb'], 20)).toEqual(['a    b']);
  });
});

describe('preformatted text in the PDF', () => {
  it('every line is text, in order, inside the page, a long transcript runs over pages', async () => {
    const unbroken = `0.003 <- 250 ${'Z'.repeat(280)}`;
    const transcript = [unbroken, ...Array.from({ length: 400 }, (_, i) => `${(i / 1000).toFixed(3)} -> RCPT TO:<user${i}@example.test> Ωμέγα Почта`)];
    const a = assessment([finding({ id: 'smtp.open-relay', severity: 'critical', evidence: { transcript } })]);
    const file = join(dir, 'pre.pdf');
    writeFileSync(file, await pdfReport(buildReportModel(a)));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
    // The unbroken line comes back whole once the wrap is undone (excerpt in the finding).
    const cols = columnsFor(PRE_WIDTH_FINDING);
    expect(text).toContain('Z'.repeat(cols - '0.003 <- 250 '.length));
    expect(text.replace(/\s+/g, '')).toContain(unbroken.replace(/\s+/g, ''));
    // The appendix prints the transcript up to the PDF budget, in order, non-Latin text intact.
    let from = 0;
    for (let i = 0; i < 100; i++) {
      const at = text.indexOf(`-> RCPT TO:<user${i}@example.test> Ωμέγα Почта`, from);
      expect(at, `line ${i}`).toBeGreaterThan(from);
      from = at;
    }
    // No word runs past the right margin (A4 width 595.28 minus 44 pt of page padding).
    const bbox = execFileSync('pdftotext', ['-bbox', file, '-']).toString('utf8');
    const xMax = [...bbox.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xMax.length).toBeGreaterThan(500);
    expect(Math.max(...xMax)).toBeLessThanOrEqual(595.28 - 44 + 0.5);
    const pages = [...bbox.matchAll(/<page /g)].length;
    expect(pages).toBeGreaterThan(3);
  }, 60_000);
});
