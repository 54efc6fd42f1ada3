// `npm run bench` (tsx bench/run.ts): mxaudit probe vs nmap on local Postfix configurations.
// Exit codes: 0 every verdict right, 1 a tool's open-relay verdict is WRONG against the known truth,
// 2 the bench could not run (no root/Postfix, build failed, bad option, a config failed to start),
// 130 interrupted. Speed is reported, never asserted.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CONFIGS, ROOT, runProbeVsNmap, type BenchOptions } from './probe-vs-nmap.js';
import { runDnsBench } from './dns.js';

const help = `Usage: npm run bench -- [options]

Suites (--suite, default all):
  dns     the dnsbl check (4 addresses x 20 zones) and the spf check (10-lookup tree) on the
          embedded lab DNS server: times and the number of queries sent
  probe   the comparison below

Times \`mxaudit probe\` (ehlo, open-relay, recipients) against
\`nmap --script smtp-open-relay,smtp-commands,smtp-enum-users\` on throw-away local Postfix
servers (loopback only) and compares their open-relay verdicts with the known truth.

Options:
  --runs N            timed runs per tool and configuration; the median counts (default 3)
  --timeout SEC       limit per tool run (default 120)
  --only a,b          only these configurations: ${CONFIGS.map((c) => c.id).join(', ')}
  --no-nmap           do not run nmap (mxaudit verdicts and times only)
  --verify-loopback   also run each tool once per configuration under strace and list every
                      network address it connected/sent to (must all be 127.0.0.0/8)
  --build             run "npm run build" first (otherwise only when out/main/cli.js is missing)
  --json FILE         where to write the results (default bench/results/probe-vs-nmap.json)
  -h, --help          this text`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${help}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      suite: { type: 'string', default: 'all' },
      runs: { type: 'string', default: '3' },
      timeout: { type: 'string', default: '120' },
      only: { type: 'string' },
      'no-nmap': { type: 'boolean', default: false },
      'verify-loopback': { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}

if (values.help) {
  process.stdout.write(`${help}\n`);
  process.exit(0);
}

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) fail('--runs must be an integer 1-50');
const timeoutSec = Number(values.timeout);
if (!Number.isFinite(timeoutSec) || timeoutSec < 1 || timeoutSec > 3600) fail('--timeout must be 1-3600 seconds');

const options: BenchOptions = {
  runs,
  timeoutMs: Math.round(timeoutSec * 1000),
  only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : null,
  nmap: !values['no-nmap'],
  verifyLoopback: values['verify-loopback'],
  build: values.build,
  jsonPath: values.json ?? join(ROOT, 'bench/results/probe-vs-nmap.json'),
};

const suite = values.suite ?? 'all';
if (!['all', 'dns', 'probe'].includes(suite)) fail('--suite must be all, dns or probe');
let code = 0;
if (suite !== 'probe') code = Math.max(code, await runDnsBench(runs));
if (suite !== 'dns') code = Math.max(code, await runProbeVsNmap(options));
process.exitCode = code;
