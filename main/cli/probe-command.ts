// `mxaudit probe`: parse and validate the command line, run the engine, print and save.
import { parseArgs } from 'node:util';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { severities, severityRank, type Assessment, type Severity } from '../../shared/assessment.js';
import { runProbe, UnknownCheckError, type HostPort, type ProbeProgress } from '../probe/engine.js';
import { resolveMx } from '../dns/mx.js';
import { parseRblZones } from '../dns/dnsbl/zones.js';
import { parseTarget } from '../probe/target.js';
import { createResolver, parseDnsServer } from '../net/resolver.js';
import { defaultTimeouts } from '../net/smtp-client.js';
import { registry } from '../probe/registry.js';
import type { ProbeOptions } from '../probe/context.js';
import { defaultProbeOptions, probeOptions } from '../probe/default-options.js';
import { formatText } from './text-report.js';
import { readLogo } from '../report/logo.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { UsageError, type CliIo } from './io.js';

export const probeHelp = `Usage: mxaudit probe <host[:port]>... [options]
       mxaudit probe --domain D [options]      (probes every address of every MX host of D)

Probes mail servers and the mail domain's DNS, and reports findings.

Options:
  --domain D            the mail domain the server receives for (recipient, spoof and harvest tests)
  --port N              port of targets given without one, and of MX hosts (default 25)
  --ports 25,465,587    probe each of these ports (465: implicit TLS; 587: submission checks)
  --helo NAME           name sent in EHLO (default mxaudit.invalid)
  --checks a,b          run only these checks (${registry.map((c) => c.id).join(', ')})
  --valid-rcpt ADDR     an existing address at the domain (repeatable); improves recipient and harvest tests
  --relay-canary ADDR   an address YOU control: if the relay test succeeds, one marked message is sent there
  --mail-from ADDR      envelope sender for relay and size tests (default mxaudit-probe@example.com)
  --relay-domain D      external domain used as relay destination (default example.com; nothing is sent there)
  --timeout MS          maximum time per check (default: each check's own, 30-120 s)
  --command-timeout MS  maximum wait for one SMTP reply (default ${defaultTimeouts.commandMs})
  --dns IP[:PORT]       DNS server(s) to use, comma separated (default: the system's)
  --ca FILE             extra CA certificates (PEM) for STARTTLS and the MTA-STS policy fetch
  --rbl zone[,zone]     block lists to ask in addition to the built-in public ones
  --rbl-only            ask only the --rbl zones (e.g. your own or a lab list)
  --spf-test-ip IP      an address outside the domain's networks, to ask SPF whether anyone
                        may send as the domain (default 192.0.2.1)
  --harvest-samples N   unknown recipients timed in one connection (default 16, max 200)
  --harvest-interval MS pause between timed recipients (default 0)
  --i-am-authorized     I am authorized to test these servers: allow the active checks
                        (relay, recipients, size, harvest); without it they are skipped
  --json FILE           write the assessment JSON to FILE
  --pdf FILE            write the PDF report (see 'mxaudit report --help')
  --html FILE           write the HTML report (one self-contained file)
  --csv FILE            write the findings as CSV (one row per finding, spreadsheet-safe)
  --engagement NAME     engagement name for the reports (also saved in the JSON)
  --client NAME         client name for the reports
  --consultant NAME     consultant name for the reports
  --logo FILE           a PNG or JPEG logo for the report cover
  --format text|json    what to print on stdout (default text)
  --fail-on SEVERITY    exit 1 when a finding at or above SEVERITY exists (${severities.join(', ')})
  -q, --quiet           no progress on stderr

Exit codes: 0 assessment completed (whatever it found), 1 --fail-on threshold reached,
2 bad usage or unreachable target.`;

const email = z.string().regex(/^[^\s<>@]+@[^\s<>@]+$/, 'expected an address like user@example.com');
const domainName = z.string().regex(/^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/, 'expected a domain name like example.com');
const ms = (name: string) => z.coerce.number({ error: `${name} must be a number of milliseconds` }).int().min(100, `${name} must be at least 100 ms`).max(3_600_000);

const ArgsSchema = z.object({
  domain: domainName.optional(),
  helo: z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:.]+\]$/, 'expected a host name or address literal').default(defaultProbeOptions.helo),
  checks: z.string().optional(),
  'valid-rcpt': z.array(email).default([]),
  'relay-canary': email.optional(),
  'mail-from': email.default(defaultProbeOptions.mailFrom),
  'relay-domain': domainName.default(defaultProbeOptions.relayDomain),
  timeout: ms('--timeout').optional(),
  'command-timeout': ms('--command-timeout').optional(),
  dns: z.array(z.string()).default([]),
  ca: z.string().optional(),
  'harvest-samples': z.coerce.number().int().min(1).max(200).default(defaultProbeOptions.harvest.samples),
  'harvest-interval': z.coerce.number().int().min(0).max(60_000).default(0),
  rbl: z.array(z.string()).default([]),
  'rbl-only': z.boolean().default(false),
  'spf-test-ip': z.string().refine((s) => net.isIP(s) !== 0, 'expected an IP address').optional(),
  port: z.coerce.number().int().min(1, '--port must be 1-65535').max(65535, '--port must be 1-65535').default(25),
  ports: z
    .string()
    .transform((s) => s.split(',').map((p) => Number(p.trim())))
    .refine((ps) => ps.length > 0 && ps.every((p) => Number.isInteger(p) && p > 0 && p < 65536), 'expected ports like 25,465,587')
    .transform((ps) => [...new Set(ps)])
    .optional(),
  'i-am-authorized': z.boolean().default(false),
  json: z.string().optional(),
  pdf: z.string().optional(),
  html: z.string().optional(),
  csv: z.string().optional(),
  engagement: z.string().max(200).optional(),
  client: z.string().max(200).optional(),
  consultant: z.string().max(200).optional(),
  logo: z.string().optional(),
  format: z.enum(['text', 'json']).default('text'),
  'fail-on': z.enum(severities).optional(),
  quiet: z.boolean().default(false),
});

export async function probeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      domain: { type: 'string' },
      helo: { type: 'string' },
      checks: { type: 'string' },
      'valid-rcpt': { type: 'string', multiple: true },
      'relay-canary': { type: 'string' },
      'mail-from': { type: 'string' },
      'relay-domain': { type: 'string' },
      timeout: { type: 'string' },
      'command-timeout': { type: 'string' },
      dns: { type: 'string', multiple: true },
      ca: { type: 'string' },
      'harvest-samples': { type: 'string' },
      'harvest-interval': { type: 'string' },
      port: { type: 'string' },
      ports: { type: 'string' },
      'spf-test-ip': { type: 'string' },
      rbl: { type: 'string', multiple: true },
      'rbl-only': { type: 'boolean' },
      'i-am-authorized': { type: 'boolean' },
      json: { type: 'string' },
      pdf: { type: 'string' },
      html: { type: 'string' },
      csv: { type: 'string' },
      engagement: { type: 'string' },
      client: { type: 'string' },
      consultant: { type: 'string' },
      logo: { type: 'string' },
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(probeHelp);
    return 0;
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const args = parsed.data;
  if (positionals.length === 0 && !args.domain) throw new UsageError('give a target (mxaudit probe <host[:port]>) or a domain to expand its MX set (--domain D)');
  // A target written without a port is probed on every port of --ports (default: --port, 25).
  const ports = args.ports ?? [args.port];
  const targets: HostPort[] = positionals.flatMap((p) => {
    try {
      const explicitPort = /:\d+$/.test(p) && !/^[^[]*:.*:/.test(p);
      const t = parseTarget(p, ports[0]);
      return explicitPort ? [t] : ports.map((port) => ({ ...t, port }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  let dnsServers: string[];
  try {
    dnsServers = args.dns.flatMap((d) => d.split(',')).filter(Boolean).map(parseDnsServer);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let rblZones: string[];
  try {
    rblZones = [...new Set(args.rbl.flatMap(parseRblZones))];
  } catch (err) {
    throw new UsageError(`--rbl: ${(err as Error).message}`);
  }
  if (args['rbl-only'] && rblZones.length === 0) throw new UsageError('--rbl-only needs --rbl zone[,zone]');
  let ca: string | null = null;
  if (args.ca) {
    ca = await readFile(args.ca, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--ca ${args.ca}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${args.ca}: not a PEM certificate file`);
  }
  const commandMs = Math.min(args['command-timeout'] ?? defaultTimeouts.commandMs, args.timeout ?? Infinity);
  const options: ProbeOptions = probeOptions({
    authorized: args['i-am-authorized'],
    helo: args.helo,
    mailFrom: args['mail-from'],
    relayDomain: args['relay-domain'],
    validRcpt: args['valid-rcpt'],
    relayCanary: args['relay-canary'] ?? null,
    ca,
    timeouts: { connectMs: Math.min(defaultTimeouts.connectMs, commandMs), commandMs, sessionMs: args.timeout ?? defaultTimeouts.sessionMs },
    checkTimeoutMs: args.timeout ?? null,
    spfTestIp: args['spf-test-ip'],
    rblZones,
    rblOnly: args['rbl-only'],
    harvest: { ...defaultProbeOptions.harvest, samples: args['harvest-samples'], intervalMs: args['harvest-interval'] },
  });
  if (args['relay-canary'] && !args['i-am-authorized']) throw new UsageError('--relay-canary needs --i-am-authorized');
  // A bad logo is found before the probe runs, not after minutes of probing.
  if (args.logo) await readLogo(args.logo).catch((err: Error) => {
    throw new UsageError(`--logo: ${err.message}`);
  });
  const engagement = Object.fromEntries(
    Object.entries({ name: args.engagement, client: args.client, consultant: args.consultant }).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );

  const checkIds = args.checks?.split(',').map((s) => s.trim()).filter(Boolean);
  const domain = args.domain?.replace(/\.$/, '').toLowerCase() ?? null;
  const resolver = createResolver(dnsServers);
  if (targets.length === 0 && domain) {
    // No host given: probe every address of every MX host, by preference (issue: MX expansion).
    const set = await resolveMx(resolver, domain);
    for (const h of set.hosts) for (const address of h.addresses) for (const port of ports) targets.push({ host: h.exchange, port, address });
    if (!args.quiet) io.err(`MX of ${domain}: ${set.hosts.map((h) => `${h.priority} ${h.exchange} (${h.addresses.join(', ') || 'no address'})`).join('; ') || set.error || (set.nullMx ? 'null MX' : 'none')}`);
  }
  const progress = args.quiet ? undefined : (ev: ProbeProgress) => io.err(progressLine(ev));
  let assessment: Assessment & { unreachable: string[] };
  try {
    assessment = await runProbe({
      targets,
      domain,
      checks: checkIds,
      options,
      resolver,
      onProgress: progress,
      signal: io.signal,
    });
  } catch (err) {
    if (err instanceof UnknownCheckError) throw new UsageError(err.message);
    throw err;
  }
  const { unreachable, ...probed } = assessment;
  if (targets.length > 0 && unreachable.length === targets.length) {
    io.err(`mxaudit: target unreachable: ${unreachable.join('; ')}`);
    return 2;
  }
  const result: Assessment = Object.keys(engagement).length ? { ...probed, engagement } : probed;
  if (args.json) await writeFileAtomic(args.json, `${JSON.stringify(result, null, 2)}\n`);
  io.out(args.format === 'json' ? JSON.stringify(result, null, 2) : formatText(result));
  if (args.json && !args.quiet) io.err(`assessment written to ${args.json}`);
  if (args.pdf || args.html || args.csv) {
    const { writeReports } = await import('../report/write-reports.js');
    try {
      const written = await writeReports(
        result,
        { pdf: args.pdf, html: args.html, csv: args.csv },
        { meta: { logo: args.logo }, onProgress: args.quiet ? undefined : (message) => io.err(`report: ${message}`) },
      );
      if (!args.quiet) io.err(`reports written: ${written.join(', ')}`);
    } catch (err) {
      // The probe's result is already printed (and saved with --json): say what failed, exit 2.
      io.err(`mxaudit: cannot write the report: ${(err as Error).message}`);
      return 2;
    }
  }
  const failOn = args['fail-on'];
  if (failOn && result.findings.some((f) => severityRank[f.severity] >= severityRank[failOn as Severity])) return 1;
  return 0;
}

function progressLine(ev: ProbeProgress): string {
  const where = `${ev.host}:${ev.port}`;
  switch (ev.type) {
    case 'host-start':
      return `[${where}] ${ev.addresses.length ? ev.addresses.join(', ') : 'unresolved'}`;
    case 'check-start':
      return `[${where}] ${ev.checkId}: running`;
    case 'check-progress':
      return `[${where}] ${ev.checkId}: ${ev.message}`;
    case 'check-end':
      return `[${where}] ${ev.checkId}: ${ev.status} (${Math.round(ev.durationMs)} ms)${ev.reason ? ` - ${ev.reason}` : ''}`;
  }
}
