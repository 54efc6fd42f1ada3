// Every format from real assessments (the real engine against real Postfix and the lab DNS):
// pdftotext shows each finding's title, severity and remediation; every page renders; the
// outline has the sections and every finding; the shipped font is the only one embedded.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeReports } from '../../../main/report/write-reports.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { csvColumns } from '../../../main/report/csv-report.js';
import { AssessmentSchema, type Assessment } from '../../../shared/assessment.js';
import { describePostfix } from '../../support/probe-postfix.js';
import { manyFindingsAssessment, multiMxAssessment } from './real-assessments.js';
import { pdfFonts, pdfOutline, pdfPages, pdfText, renderPages } from './pdf-tools.js';

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

describePostfix('reports from real assessments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-report-'));
  const out = (name: string) => join(dir, name);
  let many: Assessment;
  let multi: Assessment;
  const progress: string[] = [];
  beforeAll(async () => {
    [many, multi] = await Promise.all([manyFindingsAssessment(), multiMxAssessment()]);
    await writeReports(many, { pdf: out('many.pdf'), html: out('many.html'), csv: out('many.csv'), json: out('many.json') }, {
      meta: { engagement: 'Q4 perimeter audit', client: 'Ĳssel Mail GmbH · Ωmega · Почта', consultant: 'Zoë Łukasiewicz' },
      onProgress: (m) => progress.push(m),
    });
    await writeReports(multi, { pdf: out('multi.pdf'), html: out('multi.html') }, { reference: many });
  }, 120_000);
  afterAll(() => {
    // Artifacts stay under test-artifacts/report; the temp dir is small and left to the OS.
  });

  it('the probes found what the reports must show', () => {
    expect(many.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['smtp.open-relay', 'smtp.auth-before-tls', 'smtp.accepts-unknown-recipients', 'tls.cert-self-signed']));
    expect(multi.hosts).toHaveLength(2);
    expect(multi.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['smtp.mx-inconsistent', 'dns.rbl-listed', 'dmarc.policy-none']));
    expect(progress.some((p) => /^PDF: written to .*many\.pdf/.test(p))).toBe(true);
  });

  it.each(['many', 'multi'])('PDF (%s): every finding with its title, severity and remediation, in order', (name) => {
    const a = name === 'many' ? many : multi;
    const text = pdfText(out(`${name}.pdf`));
    const model = buildReportModel(a);
    let from = text.indexOf('Findings (');
    expect(from).toBeGreaterThan(0);
    for (const f of model.findings) {
      const at = text.indexOf(collapse(`${f.ref} ${f.title}`), from);
      expect(at, `${f.ref} ${f.title}`).toBeGreaterThan(from);
      expect(text.slice(at, at + f.title.length + 40)).toContain(f.severity.toUpperCase());
      expect(text.indexOf(collapse(f.remediation), at)).toBeGreaterThan(at);
      from = at;
    }
  });

  it('PDF: cover, summary, scope and method carry the engagement and the real run', () => {
    const text = pdfText(out('many.pdf'));
    for (const s of ['Q4 perimeter audit', 'Ĳssel Mail GmbH · Ωmega · Почта', 'Zoë Łukasiewicz', `mxaudit ${many.tool.version}`, 'Executive summary', 'Critical exposure', 'Scope and authorization', 'Method', `127.0.0.1:${many.target.port}`, 'probe.mxaudit.test']) {
      expect(text).toContain(s);
    }
    expect(text).toMatch(/Page 1 of \d+/);
    // The shipped Unicode font draws the text: the non-Latin names above came out intact (the
    // standard Helvetica cannot encode them). react-pdf lists Helvetica, not embedded, as the
    // fallback it assigns to line breaks, which no font has a glyph for; nothing else.
    const fonts = pdfFonts(out('many.pdf'));
    expect(fonts.filter((f) => f.embedded).map((f) => f.name.replace(/^[A-Z]{6}\+/, ''))).toEqual(expect.arrayContaining(['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSansMono']));
    for (const f of fonts) expect(f.embedded || f.name === 'Helvetica', f.name).toBe(true);
    for (const f of fonts) if (f.embedded) expect(f.name).toMatch(/DejaVu/);
  });

  it.each(['many', 'multi'])('PDF (%s): pdftoppm renders every page (first pages kept in test-artifacts/report)', (name) => {
    const pages = pdfPages(out(`${name}.pdf`));
    expect(pages).toBeGreaterThan(5);
    expect(renderPages(out(`${name}.pdf`), name)).toBe(pages);
  });

  it('PDF: the outline has every section and every finding', () => {
    const outline = pdfOutline(out('multi.pdf'));
    const model = buildReportModel(multi, { reference: many });
    for (const s of ['Cover', 'Executive summary', 'Scope and authorization', 'Method', 'Critical findings (1)', 'Hosts compared', 'SPF include tree', 'DNS block lists', 'EHLO before and after STARTTLS']) {
      expect(outline).toContain(s);
    }
    for (const f of model.findings) expect(outline).toContain(`${f.ref} ${f.title}`);
    for (const t of model.appendices.transcripts) expect(outline).toContain(`${t.ref} ${t.title}`);
    // multi was written with `many` as the reference: the comparison is there, and bookmarked.
    expect(model.comparison).not.toBeNull();
    expect(model.comparison!.rows.length).toBeGreaterThan(0);
    expect(outline).toContain('Target vs reference');
  });

  it('PDF (multi-MX): per-host matrix, SPF include tree with lookup counts, block list table, EHLO before/after TLS', () => {
    const text = pdfText(out('multi.pdf'));
    const hosts = text.slice(text.indexOf('Hosts compared'));
    expect(hosts).toMatch(/mx1\.lab\.test:\d+ \(127\.0\.0\.31\) mx2\.lab\.test:\d+ \(127\.0\.0\.32\)/);
    expect(hosts).toMatch(/Open relay no yes/);
    expect(text).toMatch(/lab\.test: \d+ of 10 DNS lookups, \d+ of 2 void lookups/);
    for (const s of ['_spf.lab.test', 'spf.partner.test', '_spf2.partner.test', 'bl.lab.test', 'listed', 'Listed: open relay seen at 127.0.0.32', 'Before TLS', 'After TLS', 'STARTTLS']) {
      expect(text).toContain(s);
    }
  });

  it('HTML: the same findings, remediation and appendices; CSV one row per finding; JSON the validated assessment', () => {
    const html = readFileSync(out('many.html'), 'utf8');
    for (const f of buildReportModel(many).findings) {
      expect(html).toContain(escapeHtml(f.title));
      expect(html).toContain(escapeHtml(f.remediation));
      expect(html).toContain(`id="${f.anchor}"`);
    }
    expect(html).toContain(escapeHtml('Ĳssel Mail GmbH · Ωmega · Почта'));
    const multiHtml = readFileSync(out('multi.html'), 'utf8');
    expect(multiHtml).toContain('<h2>Hosts compared</h2>');
    expect(multiHtml).toContain('SPF include tree');

    const csv = readFileSync(out('many.csv'), 'utf8');
    const records = csv.slice(1).split('\r\n').filter((l) => /^"?'?F-\d+/.test(l));
    expect(records).toHaveLength(many.findings.length);
    expect(csv.slice(1).startsWith(csvColumns.join(','))).toBe(true);

    const json = JSON.parse(readFileSync(out('many.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(AssessmentSchema.parse({ ...many, engagement: { name: 'Q4 perimeter audit', client: 'Ĳssel Mail GmbH · Ωmega · Почта', consultant: 'Zoë Łukasiewicz' } }))));
  });
});
