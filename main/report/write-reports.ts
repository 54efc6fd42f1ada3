// Writes an assessment's reports to files. Placeholder until the reports issue lands: only JSON
// is written; the owner of main/report/ replaces this file and keeps the signature.
import { writeFile } from 'node:fs/promises';
import type { Assessment } from '../../shared/assessment.js';

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
export async function writeReports(assessment: Assessment, targets: ReportTargets, _options: WriteReportsOptions = {}): Promise<string[]> {
  const written: string[] = [];
  if (targets.json) {
    await writeFile(targets.json, `${JSON.stringify(assessment, null, 2)}\n`);
    written.push(targets.json);
  }
  return written;
}
