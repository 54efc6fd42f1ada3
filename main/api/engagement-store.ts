// Engagements and their assessments as JSON files in the data folder, written atomically
// (temp file + rename): dataDir/engagements/<id>/engagement.json and assessments/<id>.json.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AssessmentSchema, severityRank, type Assessment } from '../../shared/assessment.js';
import {
  EngagementInputSchema,
  EngagementRecordSchema,
  idSchema,
  type AssessmentSummary,
  type EngagementRecord,
} from '../../shared/engagement-record.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { ApiError } from './api-error.js';

export const newId = () => `${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;

export interface StoredAssessment extends Assessment {
  /** Set when the run was cancelled: what finished is kept, marked partial. */
  cancelled?: boolean;
}

export class EngagementStore {
  constructor(readonly dataDir: string) {}

  private dir(id: string): string {
    // ids are validated by the contract; this keeps a bad one from ever naming another path.
    if (!idSchema.safeParse(id).success) throw new ApiError('not an engagement id');
    return join(this.dataDir, 'engagements', id);
  }

  async list(): Promise<EngagementRecord[]> {
    const root = join(this.dataDir, 'engagements');
    const names = await readdir(root).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
    const out: EngagementRecord[] = [];
    for (const name of names) {
      if (!idSchema.safeParse(name).success) continue;
      const rec = await this.read(name).catch(() => null); // a damaged file hides one entry, not the list
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async create(input: unknown): Promise<EngagementRecord> {
    const parsed = EngagementInputSchema.parse(input);
    const record = EngagementRecordSchema.parse({ ...parsed, id: newId(), createdAt: new Date().toISOString() });
    await mkdir(join(this.dir(record.id), 'assessments'), { recursive: true });
    await writeFileAtomic(join(this.dir(record.id), 'engagement.json'), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  }

  async read(id: string): Promise<EngagementRecord> {
    const text = await readFile(join(this.dir(id), 'engagement.json'), 'utf8').catch(() => {
      throw new ApiError(`no engagement ${id}`);
    });
    return EngagementRecordSchema.parse(JSON.parse(text));
  }

  async remove(id: string): Promise<void> {
    await this.read(id);
    await rm(this.dir(id), { recursive: true, force: true });
  }

  async saveAssessment(engagementId: string, assessment: StoredAssessment): Promise<string> {
    await this.read(engagementId);
    const id = newId();
    await mkdir(join(this.dir(engagementId), 'assessments'), { recursive: true });
    await writeFileAtomic(join(this.dir(engagementId), 'assessments', `${id}.json`), `${JSON.stringify(assessment, null, 2)}\n`);
    return id;
  }

  async readAssessment(engagementId: string, assessmentId: string): Promise<StoredAssessment> {
    if (!idSchema.safeParse(assessmentId).success) throw new ApiError('not an assessment id');
    const text = await readFile(join(this.dir(engagementId), 'assessments', `${assessmentId}.json`), 'utf8').catch(() => {
      throw new ApiError(`no assessment ${assessmentId} in engagement ${engagementId}`);
    });
    const raw = JSON.parse(text) as { cancelled?: unknown };
    return { ...AssessmentSchema.parse(raw), ...(raw.cancelled === true ? { cancelled: true } : {}) };
  }

  async summaries(engagementId: string): Promise<AssessmentSummary[]> {
    const dir = join(this.dir(engagementId), 'assessments');
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: AssessmentSummary[] = [];
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (id === name || !idSchema.safeParse(id).success) continue;
      const a = await this.readAssessment(engagementId, id).catch(() => null);
      if (!a) continue;
      const worst = [...a.findings].sort((x, y) => severityRank[y.severity] - severityRank[x.severity])[0]?.severity ?? null;
      const hosts = [...new Set(a.hosts.map((h) => `${h.host}:${h.port}`))];
      out.push({
        id,
        engagementId,
        target: a.target.domain && hosts.length !== 1 ? `${a.target.domain} (${hosts.length} hosts)` : (hosts[0] ?? a.target.domain ?? '?'),
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        findings: a.findings.length,
        worst,
        cancelled: a.cancelled === true,
      });
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}
