// UI bench: the renderer bundle's size, the time to the first screen in Chromium (served by
// `mxaudit serve`, the built bundle), and the UI's responsiveness while the gateway takes an
// smtp-source load: the page's main thread is watched with a PerformanceObserver for long tasks;
// any task over 100 ms fails the bench (exit 1). Loopback only.
//   tsx bench/ui.ts [--runs N] [--messages N] [--concurrency N] [--json FILE]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { median, renderTable, runProcess } from './lib.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const LONG_TASK_LIMIT_MS = 100;

export interface UiBenchOptions {
  runs: number;
  messages: number;
  concurrency: number;
  timeoutMs: number;
  jsonPath: string;
}

export interface UiBenchResult {
  bundle: { files: { name: string; bytes: number; gzipBytes: number }[]; jsBytes: number; jsGzipBytes: number; cssBytes: number };
  firstScreen: { runs: number[]; medianMs: number; firstContentfulPaintMs: number[] };
  load: { messages: number; concurrency: number; seconds: number; messagesPerSecond: number; sessionsShown: number; longTasks: number[]; maxTaskMs: number; overLimit: number };
  verdict: 'ok' | 'long-task';
}

function bundleSize(): UiBenchResult['bundle'] {
  const dir = join(ROOT, 'out/renderer/assets');
  const files = readdirSync(dir).map((name) => {
    const body = readFileSync(join(dir, name));
    return { name, bytes: statSync(join(dir, name)).size, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  const sum = (ext: string, k: 'bytes' | 'gzipBytes') => files.filter((f) => f.name.endsWith(ext)).reduce((s, f) => s + f[k], 0);
  return { files, jsBytes: sum('.js', 'bytes'), jsGzipBytes: sum('.js', 'gzipBytes'), cssBytes: sum('.css', 'bytes') };
}

async function startServe(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'main/cli/bin.mjs'), 'serve', '--port', '0', '--data', dataDir, '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`serve printed no URL: ${out}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[a-f0-9]+)/.exec(out);
      if (m) (clearTimeout(t), ok(m[1]));
    });
    void exited.then(() => fail(new Error(`serve exited: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export async function runUiBench(o: UiBenchOptions): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`ui bench: ${CHROMIUM} is missing\n`);
    return 2;
  }
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    const b = await runProcess('npm', ['run', 'build'], { timeoutMs: 300_000, cwd: ROOT });
    if (b.code !== 0) return 2;
  }
  const bundle = bundleSize();
  const dataDir = mkdtempSync(join(tmpdir(), 'mxaudit-ui-bench-'));
  const profile = mkdtempSync(join(tmpdir(), 'mxaudit-ui-chromium-'));
  const serve = await startServe(dataDir);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Time to first screen: navigation start to the engagement list answered by the API.
    const runs: number[] = [];
    const fcp: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      await page.goto('about:blank');
      await page.goto(serve.url);
      await page.getByText(/No engagement yet|authorized by/).first().waitFor({ timeout: o.timeoutMs });
      runs.push(await page.evaluate(() => performance.now()));
      fcp.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    }

    // Under load: the gateway screen open, its live log taking every session smtp-source makes.
    await page.getByRole('button', { name: 'Gateway', exact: true }).click();
    await page.getByLabel('Gateway port').fill('0');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const state = page.getByLabel('Gateway state');
    await state.filter({ hasText: /running on/ }).waitFor({ timeout: 30_000 });
    const port = Number(/:(\d+)/.exec(await state.innerText())![1]);
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    const started = performance.now();
    const load = await runProcess('/usr/sbin/smtp-source', ['-s', String(o.concurrency), '-l', '2048', '-m', String(o.messages), '-M', 'client.sender.test', '-f', 'sender@friend.test', '-t', 'alice@lab.test', `127.0.0.1:${port}`], { timeoutMs: o.timeoutMs });
    const seconds = (performance.now() - started) / 1000;
    if (load.code !== 0) throw new Error(`smtp-source exited ${load.code}: ${load.stderr.slice(-300)}`);
    await page.waitForTimeout(1500); // the last batches reach the page
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const sessionsShown = await page.getByRole('list', { name: 'Sessions' }).locator(':scope > li').count();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await state.filter({ hasText: 'stopped' }).waitFor({ timeout: 30_000 });

    const maxTaskMs = Math.max(0, ...longTasks);
    const overLimit = longTasks.filter((d) => d > LONG_TASK_LIMIT_MS).length;
    const result: UiBenchResult = {
      bundle,
      firstScreen: { runs, medianMs: median(runs), firstContentfulPaintMs: fcp },
      load: { messages: o.messages, concurrency: o.concurrency, seconds, messagesPerSecond: o.messages / seconds, sessionsShown, longTasks, maxTaskMs, overLimit },
      verdict: overLimit ? 'long-task' : 'ok',
    };
    mkdirSync(dirname(o.jsonPath), { recursive: true });
    writeFileSync(o.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write(
      `\nUI bench (Chromium ${context.browser()?.version() ?? ''})\n` +
        renderTable(
          ['measure', 'value'],
          [
            ['renderer JS (minified / gzip)', `${kb(bundle.jsBytes)} / ${kb(bundle.jsGzipBytes)}`],
            ['renderer CSS', kb(bundle.cssBytes)],
            [`time to first screen (median of ${runs.length})`, `${Math.round(median(runs))} ms (FCP ${Math.round(median(fcp))} ms)`],
            [`gateway load (smtp-source ${o.messages} msgs, ${o.concurrency} parallel)`, `${seconds.toFixed(1)} s, ${(o.messages / seconds).toFixed(0)} msg/s`],
            ['renderer long tasks during load (>50 ms)', `${longTasks.length}, longest ${Math.round(maxTaskMs)} ms`],
            [`tasks over ${LONG_TASK_LIMIT_MS} ms`, `${overLimit} (${overLimit ? 'FAIL' : 'ok'})`],
          ],
        ) +
        `\nresults: ${o.jsonPath}\n`,
    );
    return overLimit ? 1 : 0;
  } finally {
    await context.close();
    await serve.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: 'string', default: '5' }, messages: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '20' }, json: { type: 'string' } },
  });
  process.exitCode = await runUiBench({
    runs: Number(values.runs),
    messages: Number(values.messages),
    concurrency: Number(values.concurrency),
    timeoutMs: 300_000,
    jsonPath: values.json ?? join(ROOT, 'bench/results/ui.json'),
  });
}
