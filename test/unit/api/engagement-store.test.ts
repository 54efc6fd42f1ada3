// Engagements and assessments on disk: validated, written atomically, read back; a damaged
// file or a crafted id never takes the rest down or escapes the data folder.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngagementStore } from '../../../main/api/engagement-store.js';
import { SCHEMA_VERSION, type Assessment } from '../../../shared/assessment.js';

const input = { name: 'Q4', client: 'ACME', authorization: { by: 'CISO', date: '2026-12-01', hosts: ['mx.acme.test'] } };

const assessment = (findings: Assessment['findings'] = []): Assessment => ({
  schemaVersion: SCHEMA_VERSION,
  tool: { name: 'mxaudit', version: '0.1.0' },
  target: { host: 'mx.acme.test', port: 25, addresses: ['192.0.2.1'], domain: 'acme.test' },
  options: { authorized: true, helo: 'x', checks: ['ehlo'], resolver: ['system'], timeoutMs: 1000 },
  startedAt: '2026-12-03T10:00:00.000Z',
  finishedAt: '2026-12-03T10:00:01.000Z',
  checks: [],
  findings,
  facts: {},
  hosts: [{ host: 'mx.acme.test', port: 25, addresses: ['192.0.2.1'], facts: {} }],
  domainFacts: {},
});

let dir: string;
let store: EngagementStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-store-'));
  store = new EngagementStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('EngagementStore', () => {
  it('creates, lists and reads engagements, newest first', async () => {
    const a = await store.create(input);
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.create({ ...input, name: 'Q1' });
    expect((await store.list()).map((e) => e.name)).toEqual(['Q1', 'Q4']);
    expect(await store.read(a.id)).toEqual(a);
    expect(b.authorization.hosts).toEqual(['mx.acme.test']);
    expect(b.consultant).toBe('');
  });

  it('refuses an engagement without authorization details', async () => {
    await expect(store.create({ ...input, authorization: { by: '', date: '2026-12-01' } })).rejects.toThrow(/who authorized/);
    await expect(store.create({ ...input, authorization: { by: 'x', date: '1/12/2026' } })).rejects.toThrow(/date/);
    expect(await store.list()).toEqual([]);
  });

  it('writes atomically: no temp file is left, and a damaged file hides one engagement only', async () => {
    const a = await store.create(input);
    const b = await store.create({ ...input, name: 'other' });
    const files = readdirSync(join(dir, 'engagements', a.id));
    expect(files.sort()).toEqual(['assessments', 'engagement.json']);
    writeFileSync(join(dir, 'engagements', b.id, 'engagement.json'), '{"name": ');
    expect((await store.list()).map((e) => e.id)).toEqual([a.id]);
  });

  it('keeps assessments per engagement with a summary, and marks a cancelled one', async () => {
    const e = await store.create(input);
    const finding = { id: 'smtp.vrfy-enabled', checkId: 'recipients', host: 'mx.acme.test', port: 25, severity: 'medium' as const, title: 'VRFY', description: 'd', evidence: {}, remediation: 'r', references: [] };
    const id = await store.saveAssessment(e.id, { ...assessment([finding]), cancelled: true });
    expect((await store.readAssessment(e.id, id)).cancelled).toBe(true);
    expect(await store.summaries(e.id)).toEqual([
      { id, engagementId: e.id, target: 'mx.acme.test:25', startedAt: '2026-12-03T10:00:00.000Z', finishedAt: '2026-12-03T10:00:01.000Z', findings: 1, worst: 'medium', cancelled: true },
    ]);
  });

  it('never reads or writes outside the data folder', async () => {
    mkdirSync(join(dir, 'engagements'), { recursive: true });
    await expect(store.read('../../etc')).rejects.toThrow(/not an engagement id/);
    const e = await store.create(input);
    await expect(store.readAssessment(e.id, '../engagement')).rejects.toThrow(/not an assessment id/);
    await expect(store.saveAssessment('nope-000000', assessment())).rejects.toThrow(/no engagement/);
  });
});
