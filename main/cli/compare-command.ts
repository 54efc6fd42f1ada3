// `mxaudit compare <target.json>`: the target's assessment next to the reference gateway's,
// check by check, with a verdict per row; writes the assessment with its comparison.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';
import { compareAssessments } from '../compare/compare-assessments.js';
import { formatComparison } from '../compare/comparison-table.js';
import { referenceAssessment } from '../lab/reference.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { visible } from '../../shared/visible-text.js';
import { UsageError, type CliIo } from './io.js';

export const compareHelp = `Usage: mxaudit compare <target.json> [--reference ref.json] [--json FILE] [-q]

Compares a target's assessment (from 'mxaudit probe --json') with the reference gateway's,
for every check and key fact (relay, unknown recipients, harvest time, VRFY/EXPN, AUTH before
TLS, SIZE, STARTTLS, certificate, TLS versions, SPF, DMARC, MTA-STS, block lists...): target
value, reference value, and a verdict: same, WEAKER (with the findings that explain it),
stronger, or n/c (not comparable: a check that did not conclude on one side).

  --reference FILE  the reference assessment (reference.json from 'mxaudit lab'); without it,
                    the lab is started on loopback and probed now (a few seconds)
  --json FILE       write the target assessment with its comparison (default:
                    <target>-compared.json beside the target)
  -q, --quiet       no progress on stderr`;

export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { reference: { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(compareHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one target assessment (JSON from mxaudit probe --json)');
  const targetFile = positionals[0];
  const target = await readAssessment(targetFile, 'target');
  let reference: Assessment;
  if (values.reference) {
    reference = await readAssessment(values.reference, '--reference');
  } else {
    if (!values.quiet) io.err('mxaudit compare: no --reference: starting the lab and probing the reference gateway...');
    reference = await referenceAssessment({ signal: io.signal });
    if (io.signal?.aborted) return 130;
  }
  const comparison = compareAssessments(target, reference);
  io.out(formatComparison(comparison));
  const out = values.json ?? `${targetFile.replace(/\.json$/i, '')}-compared.json`;
  await writeFileAtomic(out, `${JSON.stringify({ ...target, comparison }, null, 2)}\n`);
  if (!values.quiet) io.err(`mxaudit compare: written ${out}`);
  return 0;
}

async function readAssessment(file: string, what: string): Promise<Assessment> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`${what} ${visible(file, 200)}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} ${visible(file, 200)}: not JSON: ${(err as Error).message}`);
  }
  const parsed = AssessmentSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${what} ${visible(file, 200)}: not an mxaudit assessment: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
