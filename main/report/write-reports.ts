// Writes an assessment's reports to files: PDF, HTML, CSV, JSON. Each file is written
// atomically (temporary file, then rename). Called by `mxaudit report`, `probe`, `lab` and
// the desktop app.
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { csvReport } from './csv-report.js';
import { jsonReport } from './json-report.js';
import { readLogo } from './logo.js';
import { buildReportModel } from './report-model.js';

export interface ReportTargets {
  pdf?: string;
  html?: string;
  csv?: string;
  json?: string;
}

export interface ReportMeta {
  engagement?: string;
  client?: string;
  consultant?: string;
  /** A PNG or JPEG file for the cover. */
  logo?: string;
}

export interface WriteReportsOptions {
  /** The reference assessment, for the comparison when the assessment has none yet. */
  reference?: Assessment;
  meta?: ReportMeta;
  onProgress?: (message: string) => void;
}

/** Writes each requested format; resolves with the paths written. */
export async function writeReports(assessment: Assessment, targets: ReportTargets, options: WriteReportsOptions = {}): Promise<string[]> {
  const progress = options.onProgress ?? (() => {});
  // Validates (throws a ZodError naming the path) and drops keys the schema does not know.
  const valid = AssessmentSchema.parse(assessment);
  const meta = options.meta ?? {};
  const engagement = { ...valid.engagement, ...definedOnly({ name: meta.engagement, client: meta.client, consultant: meta.consultant }) };
  const withMeta: Assessment = Object.keys(engagement).length ? { ...valid, engagement } : valid;
  const logo = meta.logo ? await readLogo(meta.logo) : undefined;
  const written: string[] = [];
  const write = async (format: string, path: string, make: () => string | Buffer | Promise<string | Buffer>) => {
    progress(`${format}: rendering ${valid.findings.length} finding${valid.findings.length === 1 ? '' : 's'}`);
    const started = performance.now();
    await writeFileAtomic(path, await make());
    progress(`${format}: written to ${path} (${Math.round(performance.now() - started)} ms)`);
    written.push(path);
  };
  if (targets.json) await write('JSON', targets.json, () => jsonReport(withMeta));
  if (targets.csv) await write('CSV', targets.csv, () => csvReport(withMeta));
  if (targets.html || targets.pdf) {
    const model = buildReportModel(withMeta, { reference: options.reference });
    // Loaded only when needed (react-pdf and its fonts cost a few hundred ms), inside the timed step.
    if (targets.html) await write('HTML', targets.html, async () => (await import('./html/html-report.js')).htmlReport(model, logo));
    if (targets.pdf) await write('PDF', targets.pdf, async () => (await import('./pdf/pdf-report.js')).pdfReport(model, logo));
  }
  return written;
}

function definedOnly<T extends Record<string, string | undefined>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v.trim() !== '')) as Partial<T>;
}
