// `mxaudit report` and `mxaudit probe --pdf/--html/--csv` as a user runs them: the built CLI
// in a child process, against real Postfix; outputs read with poppler-utils.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../../support/postfix.js';
import { describePostfix } from '../../support/probe-postfix.js';
import { assessment, finding } from '../../unit/report/assessment-fixture.js';
import { pdfText } from '../report/pdf-tools.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(root, 'main/cli/bin.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-report-cli-'));
const at = (name: string) => join(dir, name);
// A real 2x2 PNG (red, green, blue, white), written by hand: the logo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

async function mxaudit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mxaudit report usage', () => {
  const good = at('good.json');
  beforeAll(() => {
    writeFileSync(good, JSON.stringify(assessment([finding({ id: 'smtp.open-relay', severity: 'critical' })])));
    writeFileSync(at('broken.json'), '{"schemaVersion": 1,');
    const bad = assessment([finding({ id: 'smtp.open-relay', severity: 'critical' })]);
    writeFileSync(at('bad-schema.json'), JSON.stringify({ ...bad, findings: [{ ...bad.findings[0], severity: 'severe' }] }));
    writeFileSync(at('logo.txt'), 'not an image');
  });

  it.each([
    [['report'], /give exactly one assessment file/],
    [['report', 'nope.json', '--pdf', 'x.pdf'], /assessment nope\.json: no such file/],
    [['report', '@broken.json', '--pdf', 'x.pdf'], /assessment .*broken\.json: not valid JSON/],
    [['report', '@bad-schema.json', '--pdf', 'x.pdf'], /not an mxaudit assessment: findings\.0\.severity: /],
    [['report', '@good.json'], /nothing to write: give --pdf, --html, --csv and\/or --json FILE/],
    [['report', '@good.json', '--pdf', 'x.pdf', '--reference', 'missing-ref.json'], /--reference missing-ref\.json: no such file/],
    [['report', '@good.json', '--pdf', 'x.pdf', '--logo', '@logo.txt'], /--logo: logo .*logo\.txt: not a PNG or JPEG image/],
    [['report', '@good.json', '--pdf', '/nonexistent-dir/x.pdf'], /cannot write the report: \/nonexistent-dir\/x\.pdf: no such directory/],
    [['report', '@good.json', '--bogus'], /Unknown option '--bogus'/],
    [['probe', '127.0.0.1', '--pdf', 'x.pdf', '--logo', '@logo.txt'], /--logo: logo .*logo\.txt: not a PNG or JPEG image/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await mxaudit(...args.map((a) => (a.startsWith('@') ? at(a.slice(1)) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/--help/);
  });

  it('--help lists every option', async () => {
    const r = await mxaudit('report', '--help');
    for (const o of ['--pdf', '--html', '--csv', '--json', '--reference', '--engagement', '--client', '--consultant', '--logo']) expect(r.stdout).toContain(o);
    expect((await mxaudit('probe', '--help')).stdout).toMatch(/--pdf FILE[\s\S]*--engagement NAME/);
  });
});

describePostfix('mxaudit probe and report with real Postfix', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await startPostfix({ recipients: null, auth: true, main: { mynetworks: '127.0.0.0/8' } });
    writeFileSync(at('logo.png'), PNG);
  });
  afterAll(async () => {
    await pf?.stop();
  });

  it('probe --pdf --html --csv with the engagement flags and a logo, then report from the JSON with a reference', async () => {
    const probe = await mxaudit(
      'probe', `127.0.0.1:${pf.port}`, '--domain', 'lab.test', '--i-am-authorized', '--checks', 'ehlo,open-relay,recipients',
      '--json', at('a.json'), '--pdf', at('a.pdf'), '--html', at('a.html'), '--csv', at('a.csv'),
      '--engagement', 'Mail audit 2026', '--client', 'Ĳssel Mail', '--consultant', 'Zoë', '--logo', at('logo.png'),
    );
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stderr).toMatch(/report: PDF: written to .*a\.pdf \(\d+ ms\)/);
    const a = JSON.parse(readFileSync(at('a.json'), 'utf8'));
    expect(a.engagement).toEqual({ name: 'Mail audit 2026', client: 'Ĳssel Mail', consultant: 'Zoë' });
    const text = pdfText(at('a.pdf'));
    for (const s of ['Mail audit 2026', 'Ĳssel Mail', 'Zoë', 'Open relay']) expect(text).toContain(s);
    expect(execFileSync('pdfimages', ['-list', at('a.pdf')]).toString()).toMatch(/\n\s+1\s+\d+\s+image\s+2\s+2\s/);
    expect(readFileSync(at('a.html'), 'utf8')).toContain(`src="data:image/png;base64,${PNG.toString('base64')}"`);
    expect(readFileSync(at('a.csv'), 'utf8')).toContain('smtp.open-relay');

    const report = await mxaudit('report', at('a.json'), '--pdf', at('r.pdf'), '--json', at('r.json'), '--reference', at('a.json'), '--client', 'Other client');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout.trim().split('\n')).toEqual([at('r.json'), at('r.pdf')]);
    expect(report.stderr).toMatch(/mxaudit report: PDF: rendering \d+ findings?/);
    expect(existsSync(at('r.pdf'))).toBe(true);
    const r = JSON.parse(readFileSync(at('r.json'), 'utf8'));
    expect(r.engagement).toEqual({ name: 'Mail audit 2026', client: 'Other client', consultant: 'Zoë' });
    expect(Object.keys(r)[0]).toBe('schemaVersion');
    expect(pdfText(at('r.pdf'))).toContain('Other client');
  });
});
