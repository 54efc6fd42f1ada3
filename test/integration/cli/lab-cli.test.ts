// `mxaudit lab` as a user runs it: the built CLI in a child process. It writes the files,
// exits 0, and leaves no listening port behind; with --keep it stays up until Ctrl-C.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { portsFree } from '../lab/ports.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = resolve(root, 'main/cli/bin.mjs');
const schema = JSON.parse(readFileSync(resolve(root, 'shared/assessment.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const work = mkdtempSync(join(tmpdir(), 'mxaudit-lab-cli-'));

async function mxaudit(args: string[], cwd = work): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 90_000, cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The lab's ports, from its progress line "gateway 127.0.0.1:P, DNS 127.0.0.1:Q". */
function labPorts(stderr: string): { smtp: number; dns: number } {
  const m = /gateway 127\.0\.0\.1:(\d+), DNS 127\.0\.0\.1:(\d+)/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return { smtp: Number(m![1]), dns: Number(m![2]) };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mxaudit lab (CLI)', () => {
  it('writes reference.json and the reports into --out, prints the summary, exits 0 and frees its ports', async () => {
    const r = await mxaudit(['lab', '--out', 'tmp']);
    expect(r.code, r.stderr).toBe(0);
    const out = join(work, 'tmp');
    const reference = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8'));
    expect(validate(reference), JSON.stringify(validate.errors)).toBe(true);
    expect(reference.target).toMatchObject({ host: 'mx.lab.test', domain: 'lab.test' });
    expect(r.stdout).toMatch(/Findings: 0 critical, 0 high, 0 medium, 0 low/);
    expect(r.stdout).toMatch(/Self-consistency: no finding of severity low or above\./);
    expect(r.stdout).toMatch(/dane: skipped - not applicable in lab: /);
    // Every file the summary lists exists.
    const listed = r.stdout.split('Written:\n')[1].split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    expect(listed).toContain(join(out, 'reference.json'));
    for (const f of listed) expect(existsSync(f), f).toBe(true);
    // Progress while it ran, one line per check.
    expect(r.stderr).toMatch(/\[1\] mx: pass/);
    const { smtp, dns } = labPorts(r.stderr);
    expect(await portsFree('127.0.0.1', [smtp, dns], [dns])).toBe(true);
  }, 120_000);

  it('--keep stays up, says how to reach it, answers SMTP, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'lab', '--keep', '--out', 'kept', '-q'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      const t = setTimeout(() => fail(new Error(`no --keep banner in time:\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', () => /swaks --server/.test(stdout) && (clearTimeout(t), ready()));
    });
    const smtp = Number(/SMTP gateway\s+127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    const dns = Number(/DNS resolver\s+127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    expect(stdout).toMatch(new RegExp(`swaks --server 127\\.0\\.0\\.1:${smtp} --xclient-addr \\S+ --from \\S+ --to alice@lab\\.test`));
    const banner = await new Promise<string>((done, fail) => {
      const s = net.connect({ host: '127.0.0.1', port: smtp });
      s.once('data', (d) => (done(d.toString()), s.destroy()));
      s.once('error', fail);
    });
    expect(banner).toMatch(/^220 mx\.lab\.test/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portsFree('127.0.0.1', [smtp, dns], [dns])).toBe(true);
  }, 120_000);

  it('usage: --help exits 0, an unknown option exits 2', async () => {
    const help = await mxaudit(['lab', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mxaudit lab/);
    const bad = await mxaudit(['lab', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'/);
    writeFileSync(join(work, 'a-file'), 'x');
    const out = await mxaudit(['lab', '--out', 'a-file/reports']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--out .*a-file\/reports: cannot create the folder: ENOTDIR/);
  });
});
