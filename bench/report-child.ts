// One timed PDF render in a fresh process, for bench/report.ts: prints a JSON line with the
// render time, the process's peak RSS and the PDF's size. Run with `node --import tsx`.
import { readFileSync, statSync } from 'node:fs';
import { writeReports } from '../main/report/write-reports.js';
import type { Assessment } from '../shared/assessment.js';

// As `mxaudit` runs it (main/cli/bin.mjs): React's production build.
process.env.NODE_ENV ??= 'production';
const [input, pdf] = process.argv.slice(2);
const assessment = JSON.parse(readFileSync(input, 'utf8')) as Assessment;
const started = performance.now();
await writeReports(assessment, { pdf });
const renderMs = performance.now() - started;
const usage = process.resourceUsage();
process.stdout.write(`${JSON.stringify({ renderMs, maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, bytes: statSync(pdf).size })}\n`);
