// `npm run bench -- --suite gateway` (issue 5): message throughput of the mxaudit gateway with
// every layer on, against Haraka with the nearest plugins, Postfix, and smtp-sink as the ceiling,
// in four scenarios with the same message size and concurrency. Loopback only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabDns } from '../main/dns/lab-dns-server.js';
import { onInterrupt, renderTable, runProcess, straceAvailable } from './lib.js';
import { auditServerDuring, type ServerAudit } from './server-audit.js';
import {
  cpuSeconds, countFiles, hwmKb, members, rssKb, startHaraka, startMxauditGateway, startPostfixServer, startSmtpSink,
  DOMAIN, RCPT_KNOWN, RCPT_UNKNOWN, SENDER, BL_ZONE, LISTED_SOURCE, HARAKA_VERSION,
  type RunningServer, type Scenario, type ServerContext,
} from './gateway-servers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface GatewayBenchOptions {
  messages: number;
  concurrency: number;
  size: number;
  warmup: number;
  timeoutMs: number;
  servers: string[];
  jsonPath: string;
  /** strace the servers during the warm-up (loopback check); on when strace is installed. */
  audit?: boolean;
}

const SCENARIOS: { id: Scenario; title: string }[] = [
  { id: 'accept-reused', title: 'accept, reused connections (smtp-source -d)' },
  { id: 'accept-per-connection', title: 'accept, one connection per message' },
  { id: 'reject-connect', title: 'reject at connection stage' },
  { id: 'reject-rcpt', title: 'reject at RCPT (unknown recipient)' },
];

const SERVERS: { id: string; start: (ctx: ServerContext) => Promise<RunningServer> }[] = [
  { id: 'mxaudit', start: startMxauditGateway },
  { id: 'haraka', start: startHaraka },
  { id: 'postfix', start: startPostfixServer },
  { id: 'smtp-sink', start: startSmtpSink },
];

interface Row {
  scenario: Scenario;
  server: string;
  messages: number;
  ms: number;
  perSecond: number;
  cpuPer1000: number;
  peakRssMb: number;
  stored: number | null;
  replies?: Record<string, number>;
  errors?: number;
  error?: string;
  /** strace of the server during the warm-up: where it sent packets (must be loopback only). */
  audit?: ServerAudit;
}

/** The client run: smtp-source for the accept scenarios, bench/smtp-load.ts for the reject ones. */
async function drive(scenario: Scenario, port: number, n: number, o: GatewayBenchOptions): Promise<{ ms: number; replies?: Record<string, number>; errors?: number }> {
  if (scenario === 'accept-reused' || scenario === 'accept-per-connection') {
    const args = [...(scenario === 'accept-reused' ? ['-d'] : []), '-s', String(o.concurrency), '-l', String(o.size), '-m', String(n), '-M', 'client.sender.test', '-f', SENDER, '-t', RCPT_KNOWN, `127.0.0.1:${port}`];
    const r = await runProcess('/usr/sbin/smtp-source', args, { timeoutMs: o.timeoutMs });
    if (r.code !== 0 || r.timedOut) throw new Error(`smtp-source ${r.timedOut ? 'timed out' : `exited ${r.code}`}: ${(r.stderr || r.error || '').trim().split('\n').slice(-3).join(' | ')}`);
    return { ms: r.ms };
  }
  const mode = scenario === 'reject-connect' ? 'connect' : 'rcpt';
  const r = await runProcess(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/smtp-load.ts'), '127.0.0.1', String(port), String(n), String(o.concurrency), mode, SENDER, RCPT_UNKNOWN, ...(mode === 'connect' ? [LISTED_SOURCE] : [])], { timeoutMs: o.timeoutMs, cwd: ROOT });
  if (r.code !== 0 || r.timedOut) throw new Error(`smtp-load ${r.timedOut ? 'timed out' : `exited ${r.code}`}: ${r.stderr.trim().slice(-300)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number; replies: Record<string, number>; errors: number };
  const expected = mode === 'connect' ? 'banner 5' : 'rcpt 5';
  const refused = Object.entries(out.replies).filter(([k]) => k.startsWith(expected)).reduce((sum, [, v]) => sum + v, 0);
  if (out.errors || refused !== n) throw new Error(`${n - refused} of ${n} sessions not refused as expected (${expected}xx), ${out.errors} errors: ${JSON.stringify(out.replies)}`);
  return out;
}

async function measure(scenario: Scenario, server: RunningServer, o: GatewayBenchOptions, tag: string): Promise<Omit<Row, 'scenario' | 'server'>> {
  let audit: ServerAudit | undefined;
  // The warm-up runs under strace (untimed): every server is checked to talk to loopback only.
  if (o.warmup > 0 && o.audit) audit = (await auditServerDuring(members(server), tag, () => drive(scenario, server.port, o.warmup, o))).audit;
  else if (o.warmup > 0) await drive(scenario, server.port, o.warmup, o);
  if (audit && (audit.offLoopback.length || audit.port53.length)) throw new Error(`traffic off the lab: ${[...audit.offLoopback, ...audit.port53].join(', ')}`);
  const storedBefore = server.storeDir ? countFiles(server.storeDir) : 0;
  let peakRss = rssKb(server);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(server))), 100);
  const cpu0 = cpuSeconds(server);
  let r;
  try {
    r = await drive(scenario, server.port, o.messages, o);
  } finally {
    clearInterval(sampler);
  }
  // Postfix's smtpd processes linger (max_idle); their CPU is in their own counters until exit.
  const cpu = cpuSeconds(server) - cpu0;
  peakRss = Math.max(peakRss, hwmKb(server));
  return {
    messages: o.messages,
    ms: r.ms,
    perSecond: o.messages / (r.ms / 1000),
    cpuPer1000: (cpu / o.messages) * 1000,
    peakRssMb: peakRss / 1024,
    stored: server.storeDir ? countFiles(server.storeDir) - storedBefore : null,
    ...(r.replies ? { replies: r.replies, errors: r.errors } : {}),
    ...(audit ? { audit } : {}),
  };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : 1) : '-');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');

export async function runGatewayBench(options: GatewayBenchOptions): Promise<number> {
  const o = { ...options, audit: options.audit ?? straceAvailable() };
  const dns = await startLabDns({
    [DOMAIN]: { MX: [{ priority: 10, exchange: 'mx.lab.test' }], TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    'mx.lab.test': { A: ['127.0.0.1'] },
    // The sender's domain authorises 127.0.0.1, so SPF passes and the mail is accepted.
    'sender.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    'client.sender.test': { A: ['127.0.0.1'], TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    // The RFC 5782 test point 127.0.0.2: the reject-at-connect scenario's source address.
    [`${LISTED_SOURCE.split('.').reverse().join('.')}.${BL_ZONE}`]: { A: ['127.0.0.2'], TXT: ['RFC 5782 test point'] },
  });
  const rows: Row[] = [];
  const stopping: RunningServer[] = [];
  let interrupted = false;
  const removeHandlers = onInterrupt(() => {
    interrupted = true; // no further server is started
    return Promise.all(stopping.map((s) => s.stop()));
  }, 'the load clients and the servers');
  try {
    process.stderr.write(`gateway bench: ${o.messages} messages per scenario (+${o.warmup} warm-up), ${o.size}-byte messages, ${o.concurrency} sessions in parallel; lab DNS ${dns.server}\n`);
    for (const sc of SCENARIOS) {
      for (const sv of SERVERS.filter((s) => o.servers.includes(s.id))) {
        if (interrupted) break;
        const ctx: ServerContext = { root: ROOT, dns: dns.server, scenario: sc.id, harakaDir: join(ROOT, 'bench/.haraka') };
        process.stderr.write(`  ${sc.id} / ${sv.id} ...`);
        let server: RunningServer | null = null;
        try {
          server = await sv.start(ctx);
          stopping.push(server);
          const m = await measure(sc.id, server, o, `${sc.id}-${sv.id}`);
          rows.push({ scenario: sc.id, server: sv.id, ...m });
          process.stderr.write(` ${f1(m.perSecond)} msg/s${m.replies ? ` ${JSON.stringify(m.replies)}${m.errors ? ` errors ${m.errors}` : ''}` : ''}${m.stored !== null ? ` stored ${m.stored}` : ''}\n`);
        } catch (err) {
          const message = (err as Error).message;
          rows.push({ scenario: sc.id, server: sv.id, messages: o.messages, ms: NaN, perSecond: NaN, cpuPer1000: NaN, peakRssMb: NaN, stored: null, error: message });
          process.stderr.write(` FAILED: ${message}\n`);
        } finally {
          if (server) {
            await server.stop();
            stopping.splice(stopping.indexOf(server), 1);
          }
        }
      }
    }
  } finally {
    removeHandlers();
    await dns.stop();
  }

  const find = (sc: Scenario, sv: string) => rows.find((r) => r.scenario === sc && r.server === sv);
  const table: string[][] = [];
  const verdicts: string[] = [];
  for (const sc of SCENARIOS) {
    const haraka = find(sc.id, 'haraka');
    const sink = find(sc.id, 'smtp-sink');
    for (const r of rows.filter((x) => x.scenario === sc.id)) {
      table.push([
        sc.id, r.server, r.error ? 'FAILED' : f1(r.perSecond), f2(r.cpuPer1000), f1(r.peakRssMb),
        haraka && !r.error ? f2(r.perSecond / haraka.perSecond) : '-', sink && !r.error ? f2(r.perSecond / sink.perSecond) : '-',
        r.stored === null ? '-' : String(r.stored),
      ]);
    }
    const gw = find(sc.id, 'mxaudit');
    if (gw && haraka && !gw.error && !haraka.error) {
      const met = gw.perSecond >= haraka.perSecond;
      verdicts.push(`${sc.id}: ${met ? 'goal met' : 'GOAL NOT MET'} (mxaudit ${f1(gw.perSecond)} vs Haraka ${f1(haraka.perSecond)} msg/s, ${f2(gw.perSecond / haraka.perSecond)}x)`);
    } else verdicts.push(`${sc.id}: no verdict (${gw?.error ?? haraka?.error ?? 'a server was not run'})`);
  }
  process.stdout.write(`\nGateway throughput (${o.messages} messages, ${o.size} bytes, ${o.concurrency} concurrent; Haraka ${HARAKA_VERSION}, node ${process.versions.node})\n\n`);
  process.stdout.write(`${renderTable(['scenario', 'server', 'msg/s', 'CPU s/1000 msg', 'peak RSS MB', 'vs Haraka', 'vs smtp-sink', 'stored'], table)}\n\n`);
  process.stdout.write(`Goal (mxaudit >= Haraka, every layer on):\n${verdicts.map((v) => `  ${v}`).join('\n')}\n`);
  for (const r of rows.filter((x) => x.error)) process.stdout.write(`FAILED ${r.scenario}/${r.server}: ${r.error}\n`);
  const audited = rows.filter((r) => r.audit);
  if (audited.length) {
    const dests = new Set(audited.flatMap((r) => Object.keys(r.audit!.destinations).map((d) => d.replace(/:\d+$/, ''))));
    process.stdout.write(`Loopback audit (strace of each server during its warm-up): ${audited.length} runs, addresses used: ${[...dests].sort().join(', ') || 'none'}; nothing off loopback, nothing to port 53\n`);
  } else process.stdout.write('Loopback audit: not run (strace missing or warm-up off)\n');
  mkdirSync(dirname(o.jsonPath), { recursive: true });
  writeFileSync(o.jsonPath, `${JSON.stringify({ options: o, haraka: HARAKA_VERSION, node: process.versions.node, rows }, null, 2)}\n`);
  process.stderr.write(`results: ${o.jsonPath}\n`);
  return rows.some((r) => r.error) ? 2 : 0;
}
