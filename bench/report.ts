// The report suite: time and peak memory of the PDF report for 100 and 500 findings. The
// findings are a real assessment's (the engine against a real Postfix with many findings),
// replicated over more hosts so that every host has its own transcripts, as a large multi-MX
// assessment would. Each run is `mxaudit report --pdf` from the built CLI in a fresh child
// process (bench/report-child.mjs): the PDF step as the command reports it (loading react-pdf,
// layout, render, write), the whole command, peak RSS and CPU; and once more through
// `mxaudit` itself for the wall time with node's start-up.
// Goal (issue 7): 100 findings under 2 s. Speed is reported, never asserted.
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import type { Assessment } from '../shared/assessment.js';
import { postfixAvailable } from '../test/support/postfix.js';
import { manyFindingsAssessment } from '../test/integration/report/real-assessments.js';
import { median, renderTable, runProcess } from './lib.js';
import { ensureBuilt } from './tls-support.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'main/cli/bin.mjs');
const GOAL_MS = 2000;

export interface ReportBenchOptions {
  runs: number;
  timeoutMs: number;
  /** Finding counts to render (default 100 and 500). */
  sizes?: number[];
  build: boolean;
  jsonPath: string;
  /** Another built checkout whose `mxaudit report --pdf` is timed interleaved with this one's. */
  baseline?: string;
}

/** `n` findings from the real ones, a new host every time the real set is used up. */
export function replicate(a: Assessment, n: number): Assessment {
  const per = a.findings.length;
  const findings = Array.from({ length: n }, (_, i) => {
    const f = a.findings[i % per];
    const k = Math.floor(i / per);
    return k === 0 ? f : { ...f, host: `mx${k}.example.test` };
  });
  const hostCount = Math.ceil(n / per);
  const hosts = Array.from({ length: hostCount }, (_, k) => (k === 0 ? a.hosts[0] : { ...a.hosts[0], host: `mx${k}.example.test` }));
  return { ...a, findings, hosts };
}

interface Row {
  findings: number;
  pages: number;
  renderMs: number;
  commandMs: number;
  cpuMs: number;
  maxRssMb: number;
  cliMs: number;
  /** With --report-baseline: the other checkout's figures, measured the same way, interleaved. */
  baseline?: { renderMs: number; cpuMs: number; maxRssMb: number; cliMs: number };
  bytes: number;
}

export async function runReportBench(opts: ReportBenchOptions): Promise<number> {
  const log = (s: string) => process.stdout.write(`${s}\n`);
  log('\n== report: PDF of N findings (real findings replicated over hosts) ==');
  if (!postfixAvailable()) {
    process.stderr.write('bench report: needs root and Postfix for the real assessment\n');
    return 2;
  }
  if (!ensureBuilt(ROOT, join(ROOT, 'out/main/cli.js'), opts.build, log)) return 2;
  const baselineCli = opts.baseline ? join(resolve(opts.baseline), 'main/cli/bin.mjs') : undefined;
  if (opts.baseline && !(existsSync(baselineCli!) && existsSync(join(resolve(opts.baseline), 'out/main/cli.js')))) {
    process.stderr.write(`bench report: --report-baseline ${opts.baseline} is not a built mxaudit checkout (needs main/cli/bin.mjs and out/main/cli.js: run npm run build there)\n`);
    return 2;
  }
  const base = await manyFindingsAssessment();
  log(`real assessment: ${base.findings.length} findings (${base.findings.map((f) => f.id).join(', ')})`);
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-bench-report-'));
  if (process.env.MXAUDIT_BENCH_KEEP) process.stderr.write(`bench report: inputs kept in ${dir}\n`);
  const rows: Row[] = [];
  try {
    for (const n of opts.sizes ?? [100, 500]) {
      const input = join(dir, `${n}.json`);
      writeFileSync(input, JSON.stringify(replicate(base, n)));
      const runs: Omit<Row, 'findings' | 'pages' | 'cliMs'>[] = [];
      const cli: number[] = [];
      const baseline: { child: Omit<Row, 'findings' | 'pages' | 'cliMs'>; cliMs: number }[] = [];
      for (let r = 0; r < opts.runs; r++) {
        const pdf = join(dir, `${n}-${r}.pdf`);
        const child = await runProcess(process.execPath, [join(ROOT, 'bench/report-child.mjs'), pathToFileURL(join(ROOT, 'out/main/cli.js')).href, input, pdf], { timeoutMs: opts.timeoutMs, cwd: ROOT });
        if (child.code !== 0) {
          process.stderr.write(`bench report: render of ${n} findings failed: ${child.error ?? child.stderr.slice(0, 2000)}\n`);
          return 2;
        }
        runs.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!));
        const viaCli = await runProcess(process.execPath, [CLI, 'report', input, '--pdf', join(dir, `${n}-cli.pdf`), '-q'], { timeoutMs: opts.timeoutMs, cwd: ROOT });
        if (viaCli.code !== 0) {
          process.stderr.write(`bench report: mxaudit report failed: ${viaCli.stderr.slice(0, 2000)}\n`);
          return 2;
        }
        cli.push(viaCli.ms);
        if (baselineCli) {
          // The same two measurements of the other checkout's build, right after this one's.
          const pdfOld = join(dir, `${n}-baseline.pdf`);
          const child = await runProcess(process.execPath, [join(ROOT, 'bench/report-child.mjs'), pathToFileURL(join(resolve(opts.baseline!), 'out/main/cli.js')).href, input, pdfOld], { timeoutMs: opts.timeoutMs, cwd: opts.baseline });
          const old = child.code === 0 ? await runProcess(process.execPath, [baselineCli, 'report', input, '--pdf', pdfOld, '-q'], { timeoutMs: opts.timeoutMs, cwd: opts.baseline }) : child;
          if (old.code !== 0) {
            process.stderr.write(`bench report: the baseline's mxaudit report failed: ${old.error ?? old.stderr.slice(0, 2000)}\n`);
            return 2;
          }
          baseline.push({ child: JSON.parse(child.stdout.trim().split('\n').at(-1)!), cliMs: old.ms });
        }
      }
      const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [join(dir, `${n}-0.pdf`)]).toString())?.[1] ?? NaN);
      rows.push({
        findings: n,
        pages,
        renderMs: median(runs.map((x) => x.renderMs)),
        commandMs: median(runs.map((x) => x.commandMs)),
        cpuMs: median(runs.map((x) => x.cpuMs)),
        maxRssMb: Math.max(...runs.map((x) => x.maxRssMb)),
        cliMs: median(cli),
        ...(baseline.length
          ? {
              baseline: {
                renderMs: median(baseline.map((b) => b.child.renderMs)),
                cpuMs: median(baseline.map((b) => b.child.cpuMs)),
                maxRssMb: Math.max(...baseline.map((b) => b.child.maxRssMb)),
                cliMs: median(baseline.map((b) => b.cliMs)),
              },
            }
          : {}),
        bytes: runs[0].bytes,
      });
    }
  } finally {
    if (!process.env.MXAUDIT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  log(
    renderTable(
      ['findings', 'pages', 'PDF step (median)', 'report command', 'CPU', 'peak RSS', 'mxaudit report (wall, node start-up incl.)', 'PDF size'],
      rows.map((r) => [String(r.findings), String(r.pages), `${(r.renderMs / 1000).toFixed(2)} s`, `${(r.commandMs / 1000).toFixed(2)} s`, `${(r.cpuMs / 1000).toFixed(2)} s`, `${r.maxRssMb.toFixed(0)} MB`, `${(r.cliMs / 1000).toFixed(2)} s`, `${(r.bytes / 1024).toFixed(0)} KiB`]),
    ),
  );
  const vs = (now: number, then: number, unit: 's' | 'MB') =>
    unit === 's' ? `${(now / 1000).toFixed(2)} s vs ${(then / 1000).toFixed(2)} s (${(now / then).toFixed(2)}x)` : `${now.toFixed(0)} MB vs ${then.toFixed(0)} MB (${(now / then).toFixed(2)}x)`;
  for (const r of rows) {
    const b = r.baseline;
    if (b) log(`${r.findings} findings, this checkout vs ${opts.baseline} (interleaved): PDF step ${vs(r.renderMs, b.renderMs, 's')}, CPU ${vs(r.cpuMs, b.cpuMs, 's')}, peak RSS ${vs(r.maxRssMb, b.maxRssMb, 'MB')}, mxaudit report wall ${vs(r.cliMs, b.cliMs, 's')}`);
  }
  // Wall times on a shared machine stretch with its load: the figures are read against it.
  const load = loadavg().map((l) => l.toFixed(1));
  log(`machine load average (1, 5, 15 min) at the end: ${load.join(', ')} on ${availableParallelism()} cores`);
  const hundred = rows.find((r) => r.findings === 100);
  if (hundred) log(`goal: 100 findings under ${GOAL_MS / 1000} s: PDF step ${(hundred.renderMs / 1000).toFixed(2)} s, ${hundred.renderMs <= GOAL_MS ? 'met' : 'NOT met'} (whole command ${(hundred.commandMs / 1000).toFixed(2)} s, with node's start-up ${(hundred.cliMs / 1000).toFixed(2)} s)`);
  mkdirSync(dirname(opts.jsonPath), { recursive: true });
  writeFileSync(opts.jsonPath, `${JSON.stringify({ suite: 'report', when: new Date().toISOString(), runs: opts.runs, goalMs: GOAL_MS, loadAverage: loadavg(), rows }, null, 2)}\n`);
  log(`results written to ${opts.jsonPath}`);
  return 0;
}
