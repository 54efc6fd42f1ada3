// Characters the shipped DejaVu fonts lack come out of the PDF as [U+XXXX], never as the
// unrelated Latin letters react-pdf's Helvetica fallback would draw; what DejaVu has stays as is.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pdfReport } from '../../../main/report/pdf/pdf-report.js';
import { mapStrings } from '../../../main/report/pdf/pdf-glyphs.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { pdfFonts, pdfText } from '../../integration/report/pdf-tools.js';
import { assessment, finding } from './assessment-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pdf-glyphs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('CJK and emoji from a server become [U+XXXX] in text, evidence and title; Cyrillic and Greek stay', async () => {
  const banner = '220 邮件服务器 ready 😀 Почта Ωmega';
  const a = assessment([
    finding({ id: 'smtp.open-relay', severity: 'critical', description: `Banner: ${banner}`, evidence: { transcript: [`0.002 <- ${banner}`] } }),
  ]);
  const file = join(dir, 'glyphs.pdf');
  writeFileSync(file, await pdfReport(buildReportModel(a, { meta: { client: '株式会社 Example' } })));
  const text = pdfText(file);
  // Description (react-pdf text) and transcript (drawn monospaced text) alike.
  const escaped = '220 [U+90AE][U+4EF6][U+670D][U+52A1][U+5668] ready [U+1F600] Почта Ωmega';
  expect(text.split(escaped).length - 1).toBeGreaterThanOrEqual(3); // description, excerpt, appendix
  expect(text).toContain('[U+682A][U+5F0F][U+4F1A][U+793E] Example'); // the client in the footer
  expect(text).not.toMatch(/[\u4e00-\u9fff]|\u{1F600}/u);
  // Only the embedded DejaVu faces draw text (react-pdf lists a non-embedded Helvetica for line breaks).
  for (const f of pdfFonts(file)) expect(f.embedded || f.name === 'Helvetica', f.name).toBe(true);
}, 60_000);

it('mapStrings rewrites every string of plain data and nothing else', () => {
  const data = { a: 'x', b: ['y', 1, null, { c: 'z' }], d: true };
  expect(mapStrings(data, (s) => s.toUpperCase())).toEqual({ a: 'X', b: ['Y', 1, null, { c: 'Z' }], d: true });
});
