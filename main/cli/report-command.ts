// `mxaudit report <assessment.json>`: PDF, HTML, CSV and JSON reports from a saved assessment.
import { parseArgs } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';
import { visible } from '../../shared/visible-text.js';
import { LogoError, readLogo } from '../report/logo.js';
import { writeReports, type ReportTargets } from '../report/write-reports.js';
import { UsageError, type CliIo } from './io.js';

export const reportHelp = `Usage: mxaudit report <assessment.json> [--pdf FILE] [--html FILE] [--csv FILE] [--json FILE]
                      [--reference ref.json] [--engagement NAME] [--client NAME] [--consultant NAME] [--logo FILE]

Writes the reports of a saved assessment (from 'mxaudit probe --json' or 'mxaudit compare'):

  --pdf FILE          PDF for the client: cover, executive summary, scope and authorization,
                      method, findings with evidence and remediation, comparison, appendices
  --html FILE         the same content as one self-contained HTML file (no script, no remote resource)
  --csv FILE          one row per finding, safe to open in a spreadsheet
  --json FILE         the assessment, validated against the schema, in a stable key order
  --reference FILE    a reference assessment (reference.json from 'mxaudit lab'): adds the
                      target vs reference table when the assessment has no comparison yet
  --engagement NAME   engagement name for the cover
  --client NAME       client name
  --consultant NAME   consultant name
  --logo FILE         a PNG or JPEG logo for the cover
  -q, --quiet         no progress on stderr

The paths written are printed on stdout. Exit codes: 0 written, 2 bad usage or unreadable input.`;

/** Far above any real assessment; refuses to load something absurd into memory. */
const MAX_INPUT_BYTES = 200 * 1024 * 1024;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      pdf: { type: 'string' },
      html: { type: 'string' },
      csv: { type: 'string' },
      json: { type: 'string' },
      reference: { type: 'string' },
      engagement: { type: 'string' },
      client: { type: 'string' },
      consultant: { type: 'string' },
      logo: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(reportHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one assessment file (mxaudit report <assessment.json>)');
  const targets: ReportTargets = { pdf: values.pdf, html: values.html, csv: values.csv, json: values.json };
  if (!Object.values(targets).some(Boolean)) throw new UsageError('nothing to write: give --pdf, --html, --csv and/or --json FILE');
  const assessment = await readAssessment(positionals[0], 'assessment');
  const reference = values.reference ? await readAssessment(values.reference, '--reference') : undefined;
  if (values.logo) await readLogo(values.logo).catch(asUsageError('--logo'));
  const meta = { engagement: values.engagement, client: values.client, consultant: values.consultant, logo: values.logo };
  const written = await writeReports(assessment, targets, {
    reference,
    meta,
    onProgress: values.quiet ? undefined : (message) => io.err(`mxaudit report: ${message}`),
  }).catch(asUsageError('cannot write the report'));
  for (const path of written) io.out(path);
  return 0;
}

const asUsageError = (what: string) => (err: unknown): never => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof LogoError) throw new UsageError(`${what}: ${err.message}`);
  if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOTDIR') {
    throw new UsageError(`${what}: ${visible((e.path ?? '').replace(/(^|\/)\.([^/]+)\.[0-9a-f]{12}\.tmp$/, '$1$2'), 200)}: ${e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : 'not a regular file path'}`);
  }
  throw err;
};

export async function readAssessment(file: string, what: string): Promise<Assessment> {
  const where = `${what} ${visible(file, 200)}`;
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`${where}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (!info.isFile()) throw new UsageError(`${where}: not a file`);
  if (info.size > MAX_INPUT_BYTES) throw new UsageError(`${where}: larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${where}: not valid JSON: ${visible((err as Error).message, 200)}`);
  }
  const parsed = AssessmentSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UsageError(`${where}: not an mxaudit assessment: ${visible(issues.join('; '), 600)}`);
  }
  return parsed.data;
}
