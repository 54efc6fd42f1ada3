// One timed `mxaudit report --pdf` in a fresh process, for bench/report.ts: the built CLI (what
// `npx mxaudit` runs, React's production build) called in-process, so the figures leave out
// only node's own start-up. Plain JavaScript, so no TypeScript loader sits in the module
// loading being measured. Prints a JSON line: the whole command (read, validate, model,
// render, write), the PDF step as the command reports it, CPU, peak RSS and the PDF's size.
import { statSync } from 'node:fs';

process.env.NODE_ENV ??= 'production';
const [cli, input, pdf] = process.argv.slice(2);
const { main } = await import(cli);
const progress = [];
const started = performance.now();
const code = await main(['report', input, '--pdf', pdf], { out: () => {}, err: (t) => progress.push(t) });
const commandMs = performance.now() - started;
if (code !== 0) {
  process.stderr.write(`${progress.join('\n')}\n`);
  process.exit(code);
}
// "mxaudit report: PDF: written to FILE (N ms)": from the report module's import to the file on disk.
const step = progress.map((l) => /PDF: written to .* \((\d+) ms\)$/.exec(l)).find(Boolean);
if (!step) throw new Error(`no PDF step in the progress: ${progress.join(' | ')}`);
const usage = process.resourceUsage();
process.stdout.write(`${JSON.stringify({ renderMs: Number(step[1]), commandMs, maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, bytes: statSync(pdf).size })}\n`);
