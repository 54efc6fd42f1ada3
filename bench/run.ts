// `npm run bench` (tsx bench/run.ts): the DNS suite, mxaudit probe vs nmap, mxaudit's TLS
// certificate verdicts vs testssl.sh, on local Postfix configurations, and the gateway's
// throughput vs Haraka, Postfix and smtp-sink (exit 2 when a gateway run failed).
// Exit codes: 0 every verdict right, 1 a verdict is WRONG against the known truth (probe: either
// tool's open-relay verdict; tls: mxaudit's certificate verdicts),
// 2 the bench could not run (no root/Postfix, build failed, bad option, a config failed to start),
// 130 interrupted. Speed is reported, never asserted.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CONFIGS, ROOT, runProbeVsNmap, type BenchOptions } from './probe-vs-nmap.js';
import { runDnsBench } from './dns.js';
import { TLS_CONFIGS, runTlsVsTestssl, type TlsBenchOptions } from './tls-vs-testssl.js';
import { runGatewayBench } from './gateway.js';
import { runReportBench } from './report.js';
import { runUiBench } from './ui.js';

const help = `Usage: npm run bench -- [options]

Suites (--suite, default all):
  dns     the dnsbl check (4 addresses x 20 zones) and the spf check (10-lookup tree) on the
          embedded lab DNS server: times and the number of queries sent
  probe   the comparison below
  tls     \`mxaudit probe --checks tls\` vs \`testssl -S --starttls smtp\` (Debian's testssl.sh, kept
          offline) on one Postfix per kind of test certificate: times and the five certificate
          verdicts (trust, expiry, host name, key size, signature) against the test PKI's truth
  gateway messages/s, CPU s per 1000 messages and peak memory of the mxaudit gateway (every
          layer on) vs Haraka (npm, installed into bench/.haraka), Postfix and smtp-sink, in four
          scenarios: accept on reused connections, one connection per message, reject at
          connect, reject at RCPT; see bench/README.md
  report  PDF of 100 and of 500 findings (a real Postfix assessment's findings replicated):
          render time, CPU and peak memory (goal: 100 findings under 2 s)
  ui      renderer bundle size, time to first screen in Chromium, and the renderer's long
          tasks while the gateway takes an smtp-source load (goal: none over 100 ms)

probe: times \`mxaudit probe\` (ehlo, open-relay, recipients) against
\`nmap --script smtp-open-relay,smtp-commands,smtp-enum-users\` on throw-away local Postfix
servers (loopback only) and compares their open-relay verdicts with the known truth.

Options:
  --runs N            timed runs per tool and configuration; the median counts (default 3)
  --timeout SEC       limit per tool run (default 120)
  --only a,b          only these configurations; a suite none of whose configurations is named
                      is skipped (dns has none and always runs)
                        probe: ${CONFIGS.map((c) => c.id).join(', ')}
                        tls:   ${TLS_CONFIGS.map((c) => c.id).join(', ')}
  --no-nmap           do not run nmap (mxaudit verdicts and times only)
  --no-testssl        do not run testssl (mxaudit certificate verdicts and times only)
  --mxaudit-checks L  tls suite: mxaudit's --checks (default tls, the whole category; starttls
                      is the certificate check alone)
  --verify-loopback   also run each tool once per configuration under strace and list every
                      network address it connected/sent to (must all be 127.0.0.0/8); the tls
                      suite always does this for its first configuration
  --build             run "npm run build" first (otherwise only when out/main/cli.js is missing)
  --json FILE         where to write the results of the probe suite (default
                      bench/results/probe-vs-nmap.json), or of the tls suite with --suite tls
  --tls-json FILE     where to write the results of the tls suite (default
                      bench/results/tls-vs-testssl.json)
  --messages N        gateway suite: messages (sessions) per scenario and server (default 2000)
  --concurrency N     gateway suite: parallel sessions (default 20)
  --size BYTES        gateway suite: message size, smtp-source -l (default 4096)
  --servers L         gateway suite: mxaudit,haraka,postfix,smtp-sink (default all four)
  --gateway-json FILE where to write the results of the gateway suite (default
                      bench/results/gateway.json)
  --report-baseline DIR
                      report suite: also time \`mxaudit report --pdf\` of another built checkout
                      (e.g. a git worktree of an older commit, after npm run build there),
                      interleaved with this one on the same inputs, and print the ratio
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
      'no-testssl': { type: 'boolean', default: false },
      'mxaudit-checks': { type: 'string', default: 'tls' },
      'verify-loopback': { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      json: { type: 'string' },
      'tls-json': { type: 'string' },
      messages: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '20' },
      size: { type: 'string', default: '4096' },
      servers: { type: 'string', default: 'mxaudit,haraka,postfix,smtp-sink' },
      'gateway-json': { type: 'string' },
      'report-baseline': { type: 'string' },
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

const suite = values.suite ?? 'all';
if (!['all', 'dns', 'probe', 'tls', 'gateway', 'report', 'ui'].includes(suite)) fail('--suite must be all, dns, probe, tls, gateway, report or ui');
const messages = Number(values.messages);
if (!Number.isInteger(messages) || messages < 1 || messages > 1_000_000) fail('--messages must be an integer 1-1000000');
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) fail('--concurrency must be an integer 1-1000');
const size = Number(values.size);
if (!Number.isInteger(size) || size < 1 || size > 10_000_000) fail('--size must be an integer 1-10000000');
const servers = (values.servers ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!servers.length || servers.some((s) => !['mxaudit', 'haraka', 'postfix', 'smtp-sink'].includes(s))) fail('--servers: a list of mxaudit, haraka, postfix, smtp-sink');

// --only names configurations of either suite; each suite gets its own.
const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
const probeIds = new Set(CONFIGS.map((c) => c.id));
const tlsIds = new Set<string>(TLS_CONFIGS.map((c) => c.id));
const unknownIds = (only ?? []).filter((id) => !probeIds.has(id) && !tlsIds.has(id));
if (unknownIds.length) fail(`unknown configuration(s) for --only: ${unknownIds.join(', ')}`);
const probeOnly = only ? only.filter((id) => probeIds.has(id)) : null;
const tlsOnly = only ? only.filter((id) => tlsIds.has(id)) : null;
if (suite === 'probe' && probeOnly?.length === 0) fail('--only names no configuration of the probe suite');
if (suite === 'tls' && tlsOnly?.length === 0) fail('--only names no configuration of the tls suite');

const options: BenchOptions = {
  runs,
  timeoutMs: Math.round(timeoutSec * 1000),
  only: probeOnly,
  nmap: !values['no-nmap'],
  verifyLoopback: values['verify-loopback'],
  build: values.build,
  jsonPath: (suite !== 'tls' ? values.json : undefined) ?? join(ROOT, 'bench/results/probe-vs-nmap.json'),
};
const runProbe = (suite === 'all' || suite === 'probe') && !(probeOnly && probeOnly.length === 0);
const runTls = (suite === 'all' || suite === 'tls') && !(tlsOnly && tlsOnly.length === 0);
const tlsOptions: TlsBenchOptions = {
  runs,
  timeoutMs: Math.round(timeoutSec * 1000),
  only: tlsOnly,
  mxauditChecks: values['mxaudit-checks'] ?? 'tls',
  testssl: !values['no-testssl'],
  verifyLoopback: values['verify-loopback'],
  // One build is enough when both suites run.
  build: values.build && !runProbe,
  jsonPath: values['tls-json'] ?? (suite === 'tls' ? values.json : undefined) ?? join(ROOT, 'bench/results/tls-vs-testssl.json'),
};

let code = 0;
if (suite === 'all' || suite === 'dns') code = Math.max(code, await runDnsBench(runs));
if (runProbe) code = Math.max(code, await runProbeVsNmap(options));
if (runTls) code = Math.max(code, await runTlsVsTestssl(tlsOptions));
if (suite === 'all' || suite === 'gateway') {
  code = Math.max(
    code,
    await runGatewayBench({
      messages,
      concurrency,
      size,
      warmup: Math.min(200, messages),
      timeoutMs: Math.round(timeoutSec * 1000),
      servers,
      jsonPath: values['gateway-json'] ?? join(ROOT, 'bench/results/gateway.json'),
    }),
  );
}
if (suite === 'all' || suite === 'report') {
  code = Math.max(code, await runReportBench({ runs, timeoutMs: Math.round(timeoutSec * 1000), build: values.build && !runProbe && !runTls, jsonPath: join(ROOT, 'bench/results/report.json'), baseline: values['report-baseline'] }));
}
if (suite === 'all' || suite === 'ui') {
  code = Math.max(code, await runUiBench({ runs, messages, concurrency, timeoutMs: Math.round(timeoutSec * 1000), jsonPath: join(ROOT, 'bench/results/ui.json') }));
}
process.exitCode = code;
