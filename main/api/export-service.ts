// Exports an assessment with the engagement's details, through the report writer. Where the
// files go is the transport's choice (a native save dialog in the app, the data folder in serve
// mode), never the renderer's.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeReports, type ReportTargets } from '../report/write-reports.js';
import type { exportFormats } from '../../shared/ipc-contract.js';
import type { Assessment } from '../../shared/assessment.js';
import type { EngagementStore } from './engagement-store.js';
import { ApiError } from './api-error.js';

export type ExportFormat = (typeof exportFormats)[number];

/**
 * Picks where to write, from a suggested file path (the first format's); the other formats go
 * beside it with the same name. null = the user cancelled.
 */
export type ChooseExportPath = (suggested: string) => Promise<string | null>;

export async function exportAssessment(
  store: EngagementStore,
  req: { engagementId: string; assessmentId: string; formats: ExportFormat[] },
  choose: ChooseExportPath,
  reference: Assessment | null,
): Promise<{ format: ExportFormat; path: string }[]> {
  const engagement = await store.read(req.engagementId);
  const assessment = await store.readAssessment(req.engagementId, req.assessmentId);
  const base = `mxaudit-${engagement.client.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'report'}-${req.assessmentId}`;
  const chosen = await choose(join(store.dataDir, 'exports', req.engagementId, req.assessmentId, `${base}.${req.formats[0]}`));
  if (!chosen) throw new ApiError('export cancelled');
  const dir = dirname(chosen);
  const stem = basename(chosen).replace(/\.(pdf|html|json|csv)$/i, '') || base;
  await mkdir(dir, { recursive: true });
  const targets: ReportTargets = {};
  for (const f of new Set(req.formats)) targets[f] = join(dir, `${stem}.${f}`);
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
