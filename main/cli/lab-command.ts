// `mxaudit lab`: the reference gateway on loopback with its DNS, CA and MTA-STS host, probed
// with every check; writes reference.json and the reports, prints a summary, stops everything.
import { parseArgs } from 'node:util';
import { mkdir, readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { join, resolve } from 'node:path';
import { severities, severityRank, type Assessment } from '../../shared/assessment.js';
import type { ProbeProgress } from '../probe/engine.js';
import { startLab, type Lab, type LabOptions } from '../lab/start-lab.js';
import { GatewayConfigError } from '../gateway/config.js';
import { probeLab } from '../lab/reference.js';
import { countStore, reconcile, reconcileEvidence, runTraffic } from '../lab/traffic.js';
import { formatTrafficStats } from '../lab/traffic-table.js';
import { writeReports } from '../report/write-reports.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { visible } from '../../shared/visible-text.js';
import { UsageError, type CliIo } from './io.js';

export const labHelp = `Usage: mxaudit lab [--out DIR] [--keep] [--traffic] [--pdf FILE] [--html FILE] [--csv FILE]
                  [--smtp-port N] [--dns-port N] [--mta-sts-port N] [--config FILE] [-q]

Starts the reference filtering gateway on loopback with everything it needs offline (the
embedded DNS server with the lab zones, a generated CA and certificate, the MTA-STS policy
host), probes it with every check (authorized, the lab CA trusted, the lab resolver used),
writes the reference assessment and the reports, prints a summary and stops everything.

  --out DIR     where to write reference.json and the reports (default ./mxaudit-lab/)
  --pdf FILE    PDF report (default DIR/report.pdf)
  --html FILE   HTML report (default DIR/report.html)
  --csv FILE    CSV of the findings (none by default)
  --traffic     also play a mixed stream through the gateway (legitimate mail, block-listed
                senders, spoofing, spam, viruses, executables, oversize, relay, a harvest
                run) and print per-layer statistics; written to DIR/traffic.json
  --keep        stay up after the run until Ctrl-C, and print how to talk to the gateway
  --smtp-port N, --dns-port N, --mta-sts-port N
                fixed loopback ports for the gateway, the lab DNS (UDP and TCP) and the MTA-STS
                policy host (default: free ports picked by the system)
  --config FILE gateway configuration (JSON or YAML) over the lab's, to see what a change does
                to the assessment; a layer's options refine the lab's for that layer (the
                listener stays the lab's: loopback, --smtp-port)
  -q, --quiet   no progress on stderr

The reference gateway in its default configuration has no finding of severity low or above;
checks that cannot apply on loopback say "not applicable in lab". Exit status: 0 when the run
is self-consistent (and, with --traffic, the statistics match the gateway's counters), 1 when
not, 2 for bad usage (a port in use included).`;

const portOptions = { 'smtp-port': 'smtpPort', 'dns-port': 'dnsPort', 'mta-sts-port': 'mtaStsPort' } as const;
type PortOption = keyof typeof portOptions;

/** --smtp-port and friends: whole numbers 1-65535, each different. */
function parsePorts(values: Partial<Record<PortOption, string>>): Pick<LabOptions, 'smtpPort' | 'dnsPort' | 'mtaStsPort'> {
  const ports: Pick<LabOptions, 'smtpPort' | 'dnsPort' | 'mtaStsPort'> = {};
  const taken = new Map<number, string>();
  for (const [option, key] of Object.entries(portOptions) as [PortOption, (typeof portOptions)[PortOption]][]) {
    const raw = values[option];
    if (raw === undefined) continue;
    if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw new UsageError(`--${option} ${visible(raw, 40)}: not a port number (1-65535)`);
    const port = Number(raw);
    if (taken.has(port)) throw new UsageError(`--${option} ${port}: already given to --${taken.get(port)}`);
    taken.set(port, option);
    ports[key] = port;
  }
  return ports;
}

async function readGatewayConfig(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--config ${visible(file, 300)}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  let config: unknown;
  try {
    config = yaml.load(text) ?? {};
  } catch (err) {
    throw new UsageError(`--config ${visible(file, 300)}: not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`--config ${visible(file, 300)}: not a mapping of settings`);
  return config as Record<string, unknown>;
}

/** A start failure the user can fix: a busy or forbidden port named by its option, a bad config. */
function startError(err: unknown, ports: Pick<LabOptions, 'smtpPort' | 'dnsPort' | 'mtaStsPort'>, configFile?: string): unknown {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (err instanceof GatewayConfigError) return new UsageError(`--config ${visible(configFile ?? '', 300)}: ${e.message}`);
  const code = e.code ?? /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(e.message)?.[1];
  if (!code || !['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes(code)) return err;
  const port = e.port ?? Number(/:(\d+)(?!.*:\d)/.exec(e.message)?.[1]);
  const option = (Object.entries(portOptions) as [PortOption, keyof typeof ports][]).find(([, key]) => ports[key] === port)?.[0];
  const what = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'not allowed to listen on that port' : 'address not available';
  return new UsageError(`${option ? `--${option} ${port}` : `port ${port}`}: cannot start the lab: ${what} (${code})`);
}

export async function labCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      keep: { type: 'boolean' },
      traffic: { type: 'boolean' },
      pdf: { type: 'string' },
      html: { type: 'string' },
      csv: { type: 'string' },
      'smtp-port': { type: 'string' },
      'dns-port': { type: 'string' },
      'mta-sts-port': { type: 'string' },
      config: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(labHelp);
    return 0;
  }
  const ports = parsePorts(values);
  const gatewayConfig = values.config ? await readGatewayConfig(values.config) : undefined;
  const t0 = performance.now();
  const outDir = resolve(values.out ?? 'mxaudit-lab');
  const progress = (line: string) => !values.quiet && io.err(line);
  await mkdir(outDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--out ${visible(outDir, 300)}: cannot create the folder: ${err.code ?? err.message}`);
  });
  progress('mxaudit lab: starting the reference gateway, lab DNS, CA and MTA-STS host on loopback...');
  // The PDF renderer takes about half a second to load: load it while the probe waits on the
  // gateway's tarpit rather than after (writeReports imports the same module, then cached).
  void import('../report/pdf/pdf-report.js').catch(() => {});
  const lab = await startLab({ ...ports, ...(gatewayConfig ? { gateway: gatewayConfig } : {}) }).catch((err: unknown) => {
    throw startError(err, ports, values.config);
  });
  try {
    progress(`mxaudit lab: gateway ${lab.gateway.host}:${lab.gateway.port}, DNS ${lab.dns.server}, MTA-STS ${lab.policy.host}:${lab.policy.port}; probing with every check...`);
    let done = 0;
    const onProgress = (ev: ProbeProgress) => {
      if (ev.type !== 'check-end') return;
      done++;
      progress(`  [${done}] ${ev.checkId}: ${ev.status} (${Math.round(ev.durationMs)} ms)${ev.reason ? ` - ${visible(ev.reason, 300)}` : ''}`);
    };
    const assessment = await probeLab(lab, { signal: io.signal, onProgress });
    if (io.signal?.aborted) return 130;

    let trafficFile: string | null = null;
    let trafficText: string | null = null;
    let trafficMismatches: string[] = [];
    if (values.traffic) {
      progress('mxaudit lab: playing traffic through the gateway...');
      const before = lab.gateway.counters();
      const storeBefore = await countStore(lab.gateway.config.storeDir);
      const result = await runTraffic(
        { host: lab.gateway.host, port: lab.gateway.port },
        { domain: lab.domain, users: lab.users, gateway: lab.gateway, signal: io.signal, onProgress: (n, total, kind) => n % 10 === 0 && progress(`  traffic: ${n} of about ${total} (${kind})`) },
      );
      // Two independent checks: the gateway's counters, and what the client saw plus the store on disk.
      const mismatches = [...reconcile(result.stats, before, lab.gateway.counters()), ...reconcileEvidence(result.attempts, storeBefore, await countStore(lab.gateway.config.storeDir))];
      if (result.stats.outcomes.error) mismatches.push(`${result.stats.outcomes.error} attempts ended in an error`);
      trafficMismatches = mismatches;
      trafficText = `${formatTrafficStats(result.stats)}\n${mismatches.length ? `Does NOT match: ${mismatches.map((m) => visible(m, 300)).join('; ')}` : "Matches the gateway's own counters, the replies the client got and the messages in the store."}`;
      trafficFile = join(outDir, 'traffic.json');
      await writeFileAtomic(trafficFile, `${JSON.stringify({ stats: result.stats, counters: lab.gateway.counters(), mismatches, attempts: result.attempts }, null, 2)}\n`);
    }

    const targets = {
      json: join(outDir, 'reference.json'),
      pdf: values.pdf ? resolve(values.pdf) : join(outDir, 'report.pdf'),
      html: values.html ? resolve(values.html) : join(outDir, 'report.html'),
      ...(values.csv ? { csv: resolve(values.csv) } : {}),
    };
    const written = await writeReports(assessment, targets, { meta: { engagement: 'mxaudit lab: reference gateway' }, onProgress: (m) => progress(`  report: ${m}`) });
    io.out(summary(assessment, [...written, ...(trafficFile ? [trafficFile] : [])], performance.now() - t0));
    if (trafficText) io.out(`\n${trafficText}`);
    const failed = selfConsistencyFailures(assessment).length > 0 || trafficMismatches.length > 0;
    if (failed) {
      io.err(
        `mxaudit lab: FAILED: ${[
          selfConsistencyFailures(assessment).length ? 'the reference gateway has findings of severity low or above (see the summary)' : null,
          trafficMismatches.length ? "the traffic statistics do not match the gateway's counters, the replies or the store" : null,
        ]
          .filter(Boolean)
          .join('; ')}`,
      );
    }
    if (values.keep) {
      // While it stays up, every decision of the gateway is shown, as `mxaudit gateway` does.
      if (!values.quiet) lab.gateway.events.on('decision', (s, d) => io.err(`${s.id} ${s.remoteAddress} ${d.phase}${d.subject ? ` <${visible(d.subject, 200)}>` : ''}: ${d.layer} ${d.action} (${visible(d.reason, 300)}) -> ${d.reply} [${d.ms} ms]`));
      await keepRunning(lab, io);
    }
    return failed ? 1 : 0;
  } finally {
    await lab.stop();
  }
}

/** Findings of severity low or above: the reference in the lab must have none. */
const selfConsistencyFailures = (a: Assessment) => a.findings.filter((f) => severityRank[f.severity] >= severityRank.low);

function summary(a: Assessment, files: string[], ms: number): string {
  const count = (s: string) => a.findings.filter((f) => f.severity === s).length;
  const bySeverity = severities.map((s) => `${count(s)} ${s}`).join(', ');
  const serious = selfConsistencyFailures(a);
  const skipped = a.checks.filter((c) => c.status === 'skipped' || c.status === 'error');
  return [
    `mxaudit lab: reference gateway ${a.target.host}:${a.target.port} probed with ${a.checks.length} checks in ${((Date.parse(a.finishedAt) - Date.parse(a.startedAt)) / 1000).toFixed(1)} s (${(ms / 1000).toFixed(1)} s in all)`,
    `Findings: ${bySeverity}`,
    serious.length
      ? `Self-consistency: FAILED: ${serious.map((f) => `${f.id} (${f.severity})`).join(', ')}`
      : 'Self-consistency: no finding of severity low or above.',
    ...skipped.map((c) => `  ${c.id}: ${c.status}${c.reason ? ` - ${visible(c.reason, 300)}` : ''}`),
    'Written:',
    ...files.map((f) => `  ${f}`),
  ].join('\n');
}

/** --keep: prints how to reach the lab, then waits for Ctrl-C or SIGTERM. */
async function keepRunning(lab: Lab, io: CliIo): Promise<void> {
  const { host, port } = lab.gateway;
  io.out(
    [
      '',
      `The lab stays up until Ctrl-C:`,
      `  SMTP gateway   ${host}:${port} (${lab.hostname}, domain ${lab.domain}; users ${lab.users.join(', ')})`,
      `  DNS resolver   ${lab.dns.server} (e.g. dig @${lab.dns.address} -p ${lab.dns.port} MX ${lab.domain})`,
      `  MTA-STS host   https://${lab.policy.host}:${lab.policy.port}/.well-known/mta-sts.txt`,
      `  lab CA         ${lab.pki.caFile}`,
      `  mail store     ${lab.gateway.config.storeDir}`,
      `  XCLIENT is accepted from ${host}: present any client address, e.g.`,
      `  swaks --server ${host}:${port} --xclient-addr 192.0.2.10 --from news@friend.test --to ${lab.users[0]}`,
      `  npx mxaudit probe ${lab.hostname}:${port} --domain ${lab.domain} --dns ${lab.dns.server} --ca ${lab.pki.caFile} --i-am-authorized`,
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    if (io.signal?.aborted) return done();
    const onTerm = () => {
      process.off('SIGTERM', onTerm);
      done();
    };
    process.on('SIGTERM', onTerm);
    io.signal?.addEventListener('abort', () => onTerm(), { once: true });
  });
  io.err('mxaudit lab: stopping');
}
