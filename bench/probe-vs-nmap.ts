// Benchmark: `mxaudit probe` (ehlo, open-relay, recipients) against
// `nmap --script smtp-open-relay,smtp-commands,smtp-enum-users` on the same throw-away
// Postfix configurations. Times both as whole processes, compares their open-relay verdicts
// with each other and with the known truth of each configuration. See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { postfixAvailable, startPostfix, type PostfixInstance, type PostfixOptions } from '../test/support/postfix.js';
import {
  auditNetwork,
  fmtMs,
  fmtRatio,
  geometricMean,
  median,
  onInterrupt,
  renderTable,
  runProcess,
  straceAvailable,
  versionLine,
  type NetworkAudit,
  type ProcessResult,
} from './lib.js';
import { ensureBuilt } from './tls-support.js';

export const ROOT = resolve(import.meta.dirname, '..');
const CLI_BUNDLE = join(ROOT, 'out/main/cli.js');
const CLI_LAUNCHER = join(ROOT, 'main/cli/bin.mjs');
/** Destination domain of the relay attempts, the same for both tools (mxaudit's default --relay-domain). */
const RELAY_DOMAIN = 'example.com';
const SPEED_GOAL = 3;

export interface BenchOptions {
  runs: number;
  /** per tool run, ms */
  timeoutMs: number;
  /** config ids to run, null = all */
  only: string[] | null;
  /** false = do not run nmap even when installed */
  nmap: boolean;
  /** run each tool once per config under strace (untimed) and report every network destination */
  verifyLoopback: boolean;
  /** run `npm run build` first even when out/main/cli.js exists */
  build: boolean;
  jsonPath: string;
}

export interface BenchConfig {
  id: string;
  label: string;
  postfix: PostfixOptions;
  /** the known truth: does this server relay for an outside client? */
  openRelay: boolean;
  /** whether nmap's smtp-open-relay can reach a verdict here (it never issues STARTTLS) */
  nmapCanTest: boolean;
  /** why it cannot, for the table */
  nmapCannotTest?: string;
}

export const CONFIGS: BenchConfig[] = [
  {
    id: 'closed-tls-may',
    label: '1 closed relay, rcpt validation, STARTTLS may',
    postfix: { tls: 'may' },
    openRelay: false,
    nmapCanTest: true,
  },
  {
    id: 'open-relay',
    label: '2 open relay (mynetworks 127.0.0.0/8)',
    postfix: { main: { mynetworks: '127.0.0.0/8' } },
    openRelay: true,
    nmapCanTest: true,
  },
  {
    id: 'accept-all',
    label: '3 accept-all recipients, closed relay',
    postfix: { recipients: null },
    openRelay: false,
    nmapCanTest: true,
  },
  {
    id: 'tls-required-open',
    label: '4 STARTTLS required, open relay after TLS',
    postfix: { tls: 'encrypt', main: { mynetworks: '127.0.0.0/8' } },
    openRelay: true,
    nmapCanTest: false,
    nmapCannotTest: 'STARTTLS required',
  },
  {
    id: 'auth',
    label: '5 AUTH exposed, closed relay',
    postfix: { auth: true },
    openRelay: false,
    nmapCanTest: true,
  },
];

// ---------------------------------------------------------------------------
// Commands.

function mxauditArgs(pf: PostfixInstance): string[] {
  return [
    CLI_LAUNCHER,
    'probe',
    `${pf.host}:${pf.port}`,
    '--domain',
    pf.domain,
    '--i-am-authorized',
    '--checks',
    'ehlo,open-relay,recipients',
    '--relay-domain',
    RELAY_DOMAIN,
    // The target is an IP, so nothing is resolved; pinning the resolver to loopback makes sure
    // the system resolver could not be asked even if that changed.
    '--dns',
    '127.0.0.1',
    '--format',
    'json',
    '-q',
  ];
}

function nmapArgs(pf: PostfixInstance): string[] {
  return [
    '-n', // no reverse DNS of the target
    '-Pn', // no host discovery
    '--dns-servers',
    '127.0.0.1', // belt and braces: should nmap resolve anything, it asks loopback, not the system resolver
    '-p',
    String(pf.port),
    // '+' runs the scripts whatever their portrule says: on a port other than 25/465/587 nmap would
    // otherwise need -sV (service detection, seconds of extra probes) before running any smtp-* script.
    '--script',
    '+smtp-open-relay,+smtp-commands,+smtp-enum-users',
    // smtp-open-relay.domain: destination of the relay attempts (only ever written in RCPT TO, never
    // resolved); without it the script would fall back to smtp.domain, i.e. the server's OWN domain,
    // and an accept-all server would look like an open relay. smtp.domain: EHLO name and enum-users domain.
    '--script-args',
    `smtp-open-relay.domain=${RELAY_DOMAIN},smtp.domain=${pf.domain}`,
    '-oX',
    '-',
    pf.host,
  ];
}

// ---------------------------------------------------------------------------
// Verdicts.

type VerdictKind = 'open' | 'closed' | 'cannot-test' | 'error';

interface Verdict {
  kind: VerdictKind;
  detail: string;
}

interface MxauditAssessment {
  checks?: { id: string; status: string; reason?: string }[];
  findings?: { id: string }[];
  facts?: { relay?: { open?: boolean; tested?: number; viaTls?: boolean; accepted?: unknown[]; tempFailed?: number } };
}

const lastLine = (s: string) => s.trim().split('\n').pop()?.slice(0, 200) ?? '';

function processProblem(r: ProcessResult): string | null {
  if (r.error) return `could not start: ${r.error}`;
  if (r.timedOut) return `timed out after ${Math.round(r.ms)} ms`;
  if (r.signal) return `killed by ${r.signal}`;
  return null;
}

export function mxauditVerdict(r: ProcessResult): Verdict & { relay?: unknown } {
  const problem = processProblem(r);
  if (problem) return { kind: 'error', detail: problem };
  if (r.code !== 0) return { kind: 'error', detail: `exit ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout)}` };
  let a: MxauditAssessment;
  try {
    a = JSON.parse(r.stdout) as MxauditAssessment;
  } catch {
    return { kind: 'error', detail: `stdout is not JSON: ${r.stdout.slice(0, 120)}` };
  }
  const check = a.checks?.find((c) => c.id === 'open-relay');
  if (!check) return { kind: 'error', detail: 'no open-relay check in the assessment' };
  const relay = a.facts?.relay;
  const facts = relay ? { open: relay.open, tested: relay.tested, viaTls: relay.viaTls, accepted: relay.accepted?.length ?? 0, tempFailed: relay.tempFailed } : undefined;
  if (check.status === 'error' || check.status === 'skipped') {
    return { kind: 'cannot-test', detail: `open-relay check ${check.status}: ${check.reason ?? ''}`, relay: facts };
  }
  const finding = (a.findings ?? []).some((f) => f.id === 'smtp.open-relay');
  if (typeof relay?.open === 'boolean' && relay.open !== finding) {
    return { kind: 'error', detail: `inconsistent output: facts.relay.open=${relay.open} but smtp.open-relay finding ${finding ? 'present' : 'absent'}`, relay: facts };
  }
  const how = `${relay?.tested ?? '?'} attempts answered${relay?.viaTls ? ', after STARTTLS' : ''}`;
  return finding ? { kind: 'open', detail: `open relay (${how})`, relay: facts } : { kind: 'closed', detail: `not an open relay (${how})`, relay: facts };
}

const decodeXml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The `output` attribute of `<script id="ID" output="..."/>` in nmap's XML, or null. */
export function nmapScriptOutput(xml: string, id: string): string | null {
  const m = new RegExp(`<script id="${id}" output="([^"]*)"`).exec(xml);
  return m ? decodeXml(m[1]).trim() : null;
}

export function nmapVerdict(r: ProcessResult): Verdict & { output: string | null } {
  const problem = processProblem(r);
  if (problem) return { kind: 'error', detail: problem, output: null };
  if (r.code !== 0) return { kind: 'error', detail: `exit ${r.code}: ${lastLine(r.stderr)}`, output: null };
  const output = nmapScriptOutput(r.stdout, 'smtp-open-relay');
  if (output === null) return { kind: 'cannot-test', detail: 'smtp-open-relay printed nothing', output };
  if (/Server is an open relay/.test(output)) return { kind: 'open', detail: output, output };
  if (/doesn't seem to be an open relay/.test(output)) return { kind: 'closed', detail: output, output };
  // "Server isn't an open relay, authentication needed": a 530 to MAIL/RCPT/RSET. nmap never issues
  // STARTTLS, so behind a "530 Must issue a STARTTLS command first" it has not tested anything.
  if (/authentication needed/.test(output)) return { kind: 'cannot-test', detail: `530 before any relay attempt ("${output}")`, output };
  return { kind: 'cannot-test', detail: output, output };
}

const truthKind = (cfg: BenchConfig): VerdictKind => (cfg.openRelay ? 'open' : 'closed');

/** One verdict from N runs: the common one, or 'mixed'. */
function combine(verdicts: Verdict[]): { kind: VerdictKind | 'mixed' | 'none'; text: string } {
  if (verdicts.length === 0) return { kind: 'none', text: '-' };
  const kinds = [...new Set(verdicts.map((v) => v.kind))];
  const word = (k: VerdictKind) => ({ open: 'yes', closed: 'no', 'cannot-test': 'no verdict', error: 'ERROR' })[k];
  if (kinds.length === 1) return { kind: kinds[0], text: word(kinds[0]) };
  return { kind: 'mixed', text: `mixed (${kinds.map((k) => `${word(k)} x${verdicts.filter((v) => v.kind === k).length}`).join(', ')})` };
}

// ---------------------------------------------------------------------------
// Results.

interface RunRecord {
  ms: number;
  code: number | null;
  timedOut: boolean;
  verdict: VerdictKind;
  detail: string;
}

interface ToolResult {
  runs: RunRecord[];
  medianMs: number;
  verdict: string;
  /** every run agrees with the known truth */
  right: boolean;
  /** a definite open/closed answer that contradicts the truth (mxaudit: also any run without a verdict) */
  wrong: boolean;
  sample?: unknown;
  audit?: NetworkAudit;
}

interface ConfigResult {
  id: string;
  label: string;
  postfix: PostfixOptions;
  truth: { openRelay: boolean; nmapCanTest: boolean };
  port?: number;
  error?: string;
  mxaudit?: ToolResult;
  nmap?: ToolResult;
  ratio?: number;
  agree: string;
  judgement: string;
}

function toolResult(runs: RunRecord[], verdicts: Verdict[], cfg: BenchConfig, tool: 'mxaudit' | 'nmap'): ToolResult {
  const truth = truthKind(cfg);
  const right = verdicts.length > 0 && verdicts.every((v) => v.kind === truth);
  const definiteWrong = verdicts.some((v) => (v.kind === 'open' || v.kind === 'closed') && v.kind !== truth);
  // mxaudit must give the right answer everywhere; nmap is only wrong when it answers wrongly
  // (no answer where it cannot test - or even where it could - is reported, not failed).
  const wrong = tool === 'mxaudit' ? !right : definiteWrong;
  return { runs, medianMs: median(runs.map((r) => r.ms)), verdict: combine(verdicts).text, right, wrong };
}

// ---------------------------------------------------------------------------
// Build.

// ---------------------------------------------------------------------------
// Main.

let current: PostfixInstance | null = null;
/** Set on SIGINT/SIGTERM: the runs stop while onInterrupt cleans up. */
let interrupted = false;

export async function runProbeVsNmap(opts: BenchOptions): Promise<number> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  onInterrupt(() => {
    interrupted = true;
    return current?.stop() ?? Promise.resolve();
  }, 'child processes and Postfix');

  if (!postfixAvailable()) {
    log('bench: needs root and Postfix (/usr/sbin/postfix, /usr/lib/postfix/sbin/master): apt-get install postfix');
    return 2;
  }
  if (!ensureBuilt(ROOT, CLI_BUNDLE, opts.build, log)) return 2;

  const nmapVersion = versionLine('nmap', ['--version']);
  const useNmap = opts.nmap && nmapVersion !== null;
  if (opts.nmap && !nmapVersion) log('nmap is not installed: the nmap columns are skipped (apt-get install nmap to compare).');
  const useStrace = opts.verifyLoopback && straceAvailable();
  if (opts.verifyLoopback && !useStrace) log('strace is not installed: --verify-loopback skipped (apt-get install strace).');

  const configs = opts.only ? CONFIGS.filter((c) => opts.only!.includes(c.id)) : CONFIGS;
  const unknown = (opts.only ?? []).filter((id) => !CONFIGS.some((c) => c.id === id));
  if (unknown.length) {
    log(`bench: unknown config(s) ${unknown.join(', ')}; known: ${CONFIGS.map((c) => c.id).join(', ')}`);
    return 2;
  }

  // What each tool costs before any SMTP: process start, module/NSE-less scan engine.
  let floor: { mxaudit: number; nmap: number | null } | null = null;
  if (!interrupted) {
    const mx: number[] = [];
    const nm: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      mx.push((await runProcess(process.execPath, [CLI_LAUNCHER, 'probe', '--help'], { timeoutMs: opts.timeoutMs, cwd: ROOT })).ms);
      // Port 1 on loopback: closed, answered by the kernel; nmap's start-up plus one SYN scan.
      if (useNmap) nm.push((await runProcess('nmap', ['-n', '-Pn', '--dns-servers', '127.0.0.1', '-p', '1', '127.0.0.1'], { timeoutMs: opts.timeoutMs, cwd: ROOT })).ms);
    }
    floor = { mxaudit: median(mx), nmap: useNmap ? median(nm) : null };
    log(`start floor: mxaudit probe --help ${fmtMs(floor.mxaudit)} ms${useNmap ? `, nmap -p 1 (no scripts) ${fmtMs(floor.nmap ?? NaN)} ms` : ''}`);
  }

  const results: ConfigResult[] = [];
  for (const [index, cfg] of configs.entries()) {
    if (interrupted) break;
    const tag = `[${index + 1}/${configs.length} ${cfg.id}]`;
    const result: ConfigResult = {
      id: cfg.id,
      label: cfg.label,
      postfix: cfg.postfix,
      truth: { openRelay: cfg.openRelay, nmapCanTest: cfg.nmapCanTest },
      agree: '',
      judgement: '',
    };
    results.push(result);
    try {
      current = await startPostfix(cfg.postfix);
      const pf = current;
      result.port = pf.port;
      log(`${tag} Postfix up on ${pf.host}:${pf.port} (truth: ${cfg.openRelay ? 'open relay' : 'not an open relay'})`);

      const mxRuns: RunRecord[] = [];
      const mxVerdicts: ReturnType<typeof mxauditVerdict>[] = [];
      const nmRuns: RunRecord[] = [];
      const nmVerdicts: ReturnType<typeof nmapVerdict>[] = [];
      // Interleaved, so drift (cache, load) hits both tools alike.
      for (let i = 0; i < opts.runs && !interrupted; i++) {
        const mx = await runProcess(process.execPath, mxauditArgs(pf), { timeoutMs: opts.timeoutMs, cwd: ROOT });
        const mv = mxauditVerdict(mx);
        mxVerdicts.push(mv);
        mxRuns.push({ ms: mx.ms, code: mx.code, timedOut: mx.timedOut, verdict: mv.kind, detail: mv.detail });
        log(`${tag} mxaudit run ${i + 1}/${opts.runs}: ${fmtMs(mx.ms)} ms, ${mv.detail}`);
        if (!useNmap || interrupted) continue;
        const nm = await runProcess('nmap', nmapArgs(pf), { timeoutMs: opts.timeoutMs, cwd: ROOT });
        const nv = nmapVerdict(nm);
        nmVerdicts.push(nv);
        nmRuns.push({ ms: nm.ms, code: nm.code, timedOut: nm.timedOut, verdict: nv.kind, detail: nv.detail });
        log(`${tag} nmap    run ${i + 1}/${opts.runs}: ${fmtMs(nm.ms)} ms, ${nv.detail}`);
      }

      result.mxaudit = { ...toolResult(mxRuns, mxVerdicts, cfg, 'mxaudit'), sample: mxVerdicts[0]?.relay };
      if (useNmap) {
        result.nmap = { ...toolResult(nmRuns, nmVerdicts, cfg, 'nmap'), sample: nmVerdicts[0]?.output };
        result.ratio = result.nmap.medianMs / result.mxaudit.medianMs;
      }

      if (useStrace && !interrupted) {
        log(`${tag} loopback check: each tool once under strace (untimed)`);
        result.mxaudit.audit = await auditNetwork(process.execPath, mxauditArgs(pf), opts.timeoutMs, `${cfg.id}-mxaudit`);
        if (result.nmap) result.nmap.audit = await auditNetwork('nmap', nmapArgs(pf), opts.timeoutMs, `${cfg.id}-nmap`);
      }

      // Agreement and judgement against the known truth.
      const mxKind = combine(mxVerdicts).kind;
      const nmKind = combine(nmVerdicts).kind;
      const mxJudge = result.mxaudit.right ? 'mxaudit right' : 'mxaudit WRONG';
      if (!result.nmap) {
        result.agree = 'n/a (nmap not run)';
        result.judgement = mxJudge;
      } else if (nmKind === 'cannot-test') {
        const why = !cfg.nmapCanTest && cfg.nmapCannotTest ? cfg.nmapCannotTest : (nmVerdicts[0]?.detail ?? '');
        result.agree = `n/a (nmap cannot test: ${why})`;
        result.judgement = `${mxJudge}${cfg.nmapCanTest ? '; nmap gave no verdict where it should' : ''}`;
      } else {
        const both = (mxKind === 'open' || mxKind === 'closed') && (nmKind === 'open' || nmKind === 'closed');
        result.agree = both ? (mxKind === nmKind ? 'yes' : 'NO') : 'n/a (no verdict from one tool)';
        result.judgement = `${mxJudge}; ${result.nmap.wrong ? 'nmap WRONG' : result.nmap.right ? 'nmap right' : 'nmap no verdict'}`;
      }
    } catch (err) {
      result.error = (err as Error).message;
      result.agree = 'n/a';
      result.judgement = `bench error: ${result.error.split('\n')[0]}`;
      log(`${tag} ERROR: ${result.error}`);
    } finally {
      const pf = current;
      current = null;
      await pf?.stop().catch((err: Error) => log(`${tag} warning: stopping Postfix failed: ${err.message}`));
    }
  }

  // -------------------------------------------------------------------------
  // Report.
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out('');
  out(`mxaudit probe (ehlo, open-relay, recipients) vs nmap smtp-open-relay,smtp-commands,smtp-enum-users`);
  out(`median wall time of ${opts.runs} run(s) per tool, whole process; Postfix ${versionLine('postconf', ['-d', 'mail_version'])?.replace('mail_version = ', '') ?? '?'}, node ${process.version}, ${nmapVersion ?? 'nmap not installed'}`);
  out('');
  out('Known truth per configuration:');
  for (const r of results) {
    out(`  ${r.label}: ${r.truth.openRelay ? 'OPEN relay' : 'not an open relay'}${r.truth.nmapCanTest ? '' : ' (nmap cannot test: it never issues STARTTLS)'}`);
  }
  out('');
  const header = ['config', 'mxaudit ms', 'nmap ms', 'ratio', 'mxaudit open relay?', 'nmap open relay?', 'agree?', 'vs truth'];
  const rows = results.map((r) => [
    r.label,
    r.mxaudit ? fmtMs(r.mxaudit.medianMs) : '-',
    r.nmap ? fmtMs(r.nmap.medianMs) : useNmap ? '-' : 'skipped',
    r.ratio !== undefined ? fmtRatio(r.ratio) : '-',
    r.mxaudit?.verdict ?? '-',
    r.nmap?.verdict ?? (useNmap ? '-' : 'skipped'),
    r.agree,
    r.judgement,
  ]);
  out(renderTable(header, rows));
  out('');

  const timeouts = results.flatMap((r) => [...(r.mxaudit?.runs ?? []), ...(r.nmap?.runs ?? [])]).filter((x) => x.timedOut).length;
  if (timeouts) out(`note: ${timeouts} run(s) hit the ${opts.timeoutMs / 1000} s timeout; their time is counted as the timeout.`);

  if (useStrace) {
    out('Network destinations (strace -f, connect/sendto/sendmsg; one untimed run per tool and config):');
    for (const tool of ['mxaudit', 'nmap'] as const) {
      const audits = results.map((r) => r[tool]?.audit).filter((a): a is NetworkAudit => !!a);
      if (!audits.length) continue;
      const dest = new Set(audits.flatMap((a) => Object.keys(a.destinations).map((d) => d.replace(/:\d+$/, ''))));
      const off = audits.flatMap((a) => [...a.offLoopback, ...a.rawOffLoopback]);
      const dns = audits.reduce((n, a) => n + a.dnsPackets, 0);
      const unix = [...new Set(audits.flatMap((a) => a.unixPaths))];
      out(`  ${tool}: addresses ${[...dest].join(', ') || 'none'}; off loopback: ${off.length ? `VIOLATION ${off.join(', ')}` : 'none'}; to port 53: ${dns}${unix.length ? `; unix sockets: ${unix.join(', ')}` : ''}`);
    }
    out('');
  }

  const wrong: string[] = [];
  const errors: string[] = [];
  for (const r of results) {
    if (r.error) errors.push(`${r.label}: ${r.error.split('\n')[0]}`);
    if (r.mxaudit?.wrong) wrong.push(`${r.label}: mxaudit said "${r.mxaudit.verdict}" (${r.mxaudit.runs.map((x) => x.detail).join(' / ')}), truth: ${r.truth.openRelay ? 'open relay' : 'not an open relay'}`);
    if (r.nmap?.wrong) wrong.push(`${r.label}: nmap said "${r.nmap.verdict}" (${r.nmap.runs[0]?.detail ?? ''}), truth: ${r.truth.openRelay ? 'open relay' : 'not an open relay'}`);
  }
  const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
  const ratios = results.map((r) => r.ratio).filter(finite);
  const gm = geometricMean(ratios);
  // Where nmap gives up (530 before MAIL) it did not do the work mxaudit did: also show the
  // apples-to-apples figure. The goal is judged on all configurations (the lower, stricter one here).
  const comparable = results.filter((r) => r.truth.nmapCanTest && r.nmap && !r.nmap.runs.some((x) => x.verdict === 'cannot-test' || x.verdict === 'error'));
  const gmComparable = geometricMean(comparable.map((r) => r.ratio).filter(finite));
  for (const w of wrong) out(`WRONG VERDICT: ${w}`);
  for (const e of errors) out(`BENCH ERROR (config not measured): ${e}`);
  if (floor) {
    out(`process start floor (median of ${opts.runs}): mxaudit \`probe --help\` ${fmtMs(floor.mxaudit)} ms, nmap port scan without scripts ${floor.nmap === null ? '-' : `${fmtMs(floor.nmap)} ms`}`);
  }
  if (useNmap) {
    out(
      ratios.length
        ? `geometric-mean speed-up (nmap/mxaudit) over all ${ratios.length} config(s): ${fmtRatio(gm)} (min ${fmtRatio(Math.min(...ratios))}, max ${fmtRatio(Math.max(...ratios))}; ` +
            `${comparable.length} config(s) where both test: ${fmtRatio(gmComparable)}); goal >= ${SPEED_GOAL}x: ${gm >= SPEED_GOAL ? 'MET' : 'NOT MET'}`
        : 'no speed-up measured',
    );
  } else {
    out('speed-up not measured: nmap not run');
  }
  out(`verdicts: ${wrong.length ? `${wrong.length} WRONG` : 'all right against the known truth'}${interrupted ? ' (interrupted)' : ''}`);

  const json = {
    benchmark: 'probe-vs-nmap',
    date: new Date().toISOString(),
    environment: {
      node: process.version,
      nmap: nmapVersion,
      postfix: versionLine('postconf', ['-d', 'mail_version']),
      os: `${os.type()} ${os.release()}`,
      cpu: `${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`,
      commit: versionLine('git', ['-C', ROOT, 'rev-parse', 'HEAD']),
    },
    options: { runs: opts.runs, timeoutMs: opts.timeoutMs, only: opts.only, nmap: useNmap, verifyLoopback: useStrace },
    commands: {
      mxaudit: `node ${relative(ROOT, CLI_LAUNCHER)} ${mxauditArgs({ host: '127.0.0.1', port: 0, domain: 'lab.test' } as PostfixInstance).slice(1).join(' ')}`.replace(':0', ':PORT'),
      nmap: `nmap ${nmapArgs({ host: '127.0.0.1', port: 0, domain: 'lab.test' } as PostfixInstance).join(' ')}`.replace('-p 0', '-p PORT'),
    },
    results,
    summary: {
      geometricMeanRatio: Number.isFinite(gm) ? gm : null,
      geometricMeanRatioWhereBothTest: Number.isFinite(gmComparable) ? gmComparable : null,
      startFloorMs: floor,
      goal: SPEED_GOAL,
      goalMet: Number.isFinite(gm) ? gm >= SPEED_GOAL : null,
      wrongVerdicts: wrong,
      benchErrors: errors,
      interrupted,
    },
  };
  mkdirSync(dirname(opts.jsonPath), { recursive: true });
  writeFileSync(opts.jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  out(`results written to ${relative(process.cwd(), opts.jsonPath) || opts.jsonPath}`);

  if (interrupted) return 130;
  if (wrong.length) return 1;
  return errors.length ? 2 : 0;
}
