// `mxaudit lab`: the reference gateway on loopback with its DNS, CA and MTA-STS host, probed
// with every check; writes reference.json and the reports, prints a summary, stops everything.
import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { severities, severityRank, type Assessment } from '../../shared/assessment.js';
import type { ProbeProgress } from '../probe/engine.js';
import { startLab, type Lab } from '../lab/start-lab.js';
import { probeLab } from '../lab/reference.js';
import { reconcile, runTraffic } from '../lab/traffic.js';
import { formatTrafficStats } from '../lab/traffic-table.js';
import { writeReports } from '../report/write-reports.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { visible } from '../../shared/visible-text.js';
import { UsageError, type CliIo } from './io.js';

export const labHelp = `Usage: mxaudit lab [--out DIR] [--keep] [--traffic] [--pdf FILE] [--html FILE] [--csv FILE] [-q]

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
  -q, --quiet   no progress on stderr

The reference gateway in its default configuration has no finding of severity low or above;
checks that cannot apply on loopback say "not applicable in lab".`;

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
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(labHelp);
    return 0;
  }
  const t0 = performance.now();
  const outDir = resolve(values.out ?? 'mxaudit-lab');
  const progress = (line: string) => !values.quiet && io.err(line);
  await mkdir(outDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--out ${visible(outDir, 300)}: cannot create the folder: ${err.code ?? err.message}`);
  });
  progress('mxaudit lab: starting the reference gateway, lab DNS, CA and MTA-STS host on loopback...');
  const lab = await startLab();
  try {
    progress(`mxaudit lab: gateway ${lab.gateway.host}:${lab.gateway.port}, DNS ${lab.dns.server}; probing with every check...`);
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
    if (values.traffic) {
      progress('mxaudit lab: playing traffic through the gateway...');
      const before = lab.gateway.counters();
      const result = await runTraffic(
        { host: lab.gateway.host, port: lab.gateway.port },
        { domain: lab.domain, users: lab.users, gateway: lab.gateway, signal: io.signal, onProgress: (n, total, kind) => n % 10 === 0 && progress(`  traffic: ${n} of about ${total} (${kind})`) },
      );
      const mismatches = reconcile(result.stats, before, lab.gateway.counters());
      trafficText = `${formatTrafficStats(result.stats)}\n${mismatches.length ? `Does NOT match the gateway's counters: ${mismatches.join('; ')}` : "Matches the gateway's own counters."}`;
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
    if (values.keep) {
      // While it stays up, every decision of the gateway is shown, as `mxaudit gateway` does.
      if (!values.quiet) lab.gateway.events.on('decision', (s, d) => io.err(`${s.id} ${s.remoteAddress} ${d.phase}${d.subject ? ` <${visible(d.subject, 200)}>` : ''}: ${d.layer} ${d.action} (${visible(d.reason, 300)}) -> ${d.reply} [${d.ms} ms]`));
      await keepRunning(lab, io);
    }
    return 0;
  } finally {
    await lab.stop();
  }
}

function summary(a: Assessment, files: string[], ms: number): string {
  const count = (s: string) => a.findings.filter((f) => f.severity === s).length;
  const bySeverity = severities.map((s) => `${count(s)} ${s}`).join(', ');
  const serious = a.findings.filter((f) => severityRank[f.severity] >= severityRank.low);
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
