// Exports an assessment with the engagement's details, through the report writer. Where the
// files go is the transport's choice (a native save dialog in the app, the data folder in serve
// mode), never the renderer's.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeReports, type ReportTargets } from '../report/write-reports.js';
import type { exportFormats } from '../../shared/ipc-contract.js';
import type { Assessment } from '../../shared/assessment.js';
import type { EngagementStore } from './engagement-store.js';
import { ApiError } from './api-error.js';

export type ExportFormat = (typeof exportFormats)[number];

/** Picks the folder to write into; null = the user cancelled. */
export type ChooseExportDir = (suggested: string) => Promise<string | null>;

export async function exportAssessment(
  store: EngagementStore,
  req: { engagementId: string; assessmentId: string; formats: ExportFormat[] },
  choose: ChooseExportDir,
  reference: Assessment | null,
): Promise<{ format: ExportFormat; path: string }[]> {
  const engagement = await store.read(req.engagementId);
  const assessment = await store.readAssessment(req.engagementId, req.assessmentId);
  const suggested = join(store.dataDir, 'exports', req.engagementId, req.assessmentId);
  const dir = await choose(suggested);
  if (!dir) throw new ApiError('export cancelled');
  await mkdir(dir, { recursive: true });
  const base = `mxaudit-${engagement.client.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'report'}-${req.assessmentId}`;
  const targets: ReportTargets = {};
  for (const f of new Set(req.formats)) targets[f] = join(dir, `${base}.${f}`);
  const { cancelled: _cancelled, ...clean } = assessment;
  const written = await writeReports(clean, targets, {
    ...(reference ? { reference } : {}),
    meta: { engagement: engagement.name, client: engagement.client, ...(engagement.consultant ? { consultant: engagement.consultant } : {}) },
  });
  const files = req.formats.filter((f) => written.includes(targets[f]!)).map((f) => ({ format: f, path: targets[f]! }));
  const missing = req.formats.filter((f) => !files.some((x) => x.format === f));
  if (missing.length) throw new ApiError(`the report writer did not produce: ${missing.join(', ')}${files.length ? ` (written: ${files.map((f) => f.path).join(', ')})` : ''}`);
  return files;
}
