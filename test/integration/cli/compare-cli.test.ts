// `mxaudit compare` as a user runs it: a real Postfix open relay probed by the CLI, compared
// with a reference the lab produced; and the reference produced on the fly when none is given.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceAssessment } from '../../../main/lab/reference.js';
import { startPostfix, type PostfixInstance } from '../../support/postfix.js';
import { describePostfix } from '../../support/probe-postfix.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(root, 'main/cli/bin.mjs');
const schema = JSON.parse(readFileSync(resolve(root, 'shared/assessment.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const work = mkdtempSync(join(tmpdir(), 'mxaudit-compare-cli-'));
const refFile = join(work, 'reference.json');

async function mxaudit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 90_000, cwd: work });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  writeFileSync(refFile, JSON.stringify(await referenceAssessment()));
}, 90_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describePostfix('mxaudit compare (CLI) against a Postfix open relay', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await startPostfix({ main: { mynetworks: '127.0.0.0/8' }, recipients: null });
  });
  afterAll(() => pf?.stop());

  it('prints relay and recipient handling WEAKER with their findings and writes the assessment with its comparison', async () => {
    const target = join(work, 'postfix.json');
    const probe = await mxaudit('probe', `${pf.host}:${pf.port}`, '--domain', pf.domain, '--dns', '127.0.0.1:1', '--checks', 'ehlo,open-relay,recipients,size-limit', '--i-am-authorized', '--json', target, '-q');
    expect(probe.code, probe.stderr).toBe(0);
    const r = await mxaudit('compare', target, '--reference', refFile, '--json', join(work, 'compared.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+relay\.open\s+open \(.*closed \(.*WEAKER\n\s+because: smtp\.open-relay$/m);
    expect(r.stdout).toMatch(/^\s+recipients\.unknown\s+accepted \(250\)\s+refused \(550\)\s+WEAKER\n\s+because: smtp\.accepts-unknown-recipients$/m);
    const written = JSON.parse(readFileSync(join(work, 'compared.json'), 'utf8'));
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    expect(written.target.port).toBe(pf.port);
    expect(written.comparison).toContainEqual(expect.objectContaining({ fact: 'relay.open', verdict: 'weaker', findingIds: ['smtp.open-relay'] }));
  }, 120_000);
});

describe('mxaudit compare (CLI)', () => {
  it('without --reference, produces the reference now: the reference compared with itself has nothing weaker', async () => {
    const r = await mxaudit('compare', refFile, '--json', join(work, 'self.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/starting the lab/);
    expect(r.stdout).toMatch(/\n0 weaker, \d+ same, 0 stronger, \d+ not comparable\n?$/);
    const rows = JSON.parse(readFileSync(join(work, 'self.json'), 'utf8')).comparison as { verdict: string }[];
    expect(rows.length).toBeGreaterThan(30);
  }, 120_000);

  it('usage: a missing file, a file that is not an assessment, no target: exit 2 with the reason', async () => {
    const missing = await mxaudit('compare', join(work, 'nope.json'), '--reference', refFile);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
    writeFileSync(join(work, 'other.json'), '{"hello": 1}');
    const other = await mxaudit('compare', join(work, 'other.json'), '--reference', refFile);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not an mxaudit assessment/);
    const none = await mxaudit('compare');
    expect(none.code).toBe(2);
  });
});
