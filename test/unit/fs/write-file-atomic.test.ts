// Atomic writes are durable: the data is fsynced before the rename and the folder after it,
// observed in the real system calls (strace) of a process that calls writeFileAtomic.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/fs/write-file-atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const strace = spawnSync('strace', ['-V']).status === 0;

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const target = join(dir, 'a.json');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new content');
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it.runIf(strace)('fsyncs the data before the rename and the folder after it', () => {
    const target = join(dir, 'b.json');
    const script = join(dir, 'write.mts');
    writeFileSync(script, `import { writeFileAtomic } from ${JSON.stringify(resolve('main/fs/write-file-atomic.ts'))};\nawait writeFileAtomic(${JSON.stringify(target)}, 'x'.repeat(100000));\n`);
    // One trace file per thread (-ff: no call split by another thread's), merged by time stamp.
    const traces = mkdtempSync(join(dir, 'trace-'));
    const out = execFileSync('strace', ['-ff', '-ttt', '-qq', '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2,close', '-o', join(traces, 't'), resolve('node_modules/.bin/tsx'), script], { encoding: 'utf8', timeout: 60_000 });
    expect(out).toBe('');
    const lines = readdirSync(traces)
      .flatMap((f) => readFileSync(join(traces, f), 'utf8').split('\n').filter(Boolean))
      .sort((a, b) => parseFloat(a) - parseFloat(b));
    // The temporary file's and the folder's descriptors, from their openat lines.
    const fdOf = (re: RegExp) => lines.map((l) => (re.test(l) ? /= (\d+)$/.exec(l)?.[1] : undefined)).filter(Boolean);
    const tmpFds = fdOf(new RegExp(`openat\\(.*"${dir}/\\.${basename(target)}\\.[0-9a-f]+\\.tmp", O_WRONLY`));
    const dirFds = fdOf(new RegExp(`openat\\(.*"${dir}", O_RDONLY`));
    expect(tmpFds).toHaveLength(1);
    expect(dirFds).toHaveLength(1);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const fileSync = at(new RegExp(`fsync\\(${tmpFds[0]}\\)`));
    const renamed = at(new RegExp(`rename(at2?)?\\(.*"${target}"`));
    const dirSync = lines.findIndex((l, i) => i > renamed && new RegExp(`fsync\\(${dirFds[0]}\\)`).test(l));
    expect(fileSync).toBeGreaterThan(-1);
    expect(renamed).toBeGreaterThan(fileSync);
    expect(dirSync).toBeGreaterThan(renamed);
    expect(readFileSync(target, 'utf8')).toHaveLength(100000);
  }, 60_000);
});
