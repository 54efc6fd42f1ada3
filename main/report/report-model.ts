// The report as data: a pure function of an assessment (and optionally the reference it is
// compared with). Every renderer (PDF, HTML) draws this model, so they show the same content,
// and every string in it is already safe (control characters visible, length bounded).
import { severities, severityRank, type Assessment, type ComparisonRow, type Finding, type Severity } from '../../shared/assessment.js';
import { compareAssessments } from '../compare/compare-assessments.js';
import { buildAppendices, transcriptAppendices, type Appendices } from './appendix-model.js';
import { findingView, placeOf, type FindingView } from './finding-view.js';
import { hostMatrix, type HostMatrix } from './host-matrix.js';
import { plainLanguage } from './plain-language.js';
import { safeLine } from './safe-text.js';

export interface ReportModelOptions {
  reference?: Assessment;
  meta?: { engagement?: string; client?: string; consultant?: string };
  /** When the report is generated (default: now). */
  generatedAt?: Date;
}

export interface ReportModel {
  title: string;
  cover: { engagement: string | null; client: string | null; consultant: string | null; targets: string[]; domain: string | null; date: string; toolVersion: string; generatedAt: string };
  posture: { level: Severity | 'none'; headline: string };
  counts: { severity: Severity; count: number }[];
  total: number;
  topIssues: { severity: Severity; text: string; refs: string[] }[];
  scope: { statement: string; authorized: boolean; targets: [string, string][]; domain: string | null };
  method: { rows: [string, string][]; checks: string[][] };
  findings: FindingView[];
  comparison: { rows: string[][]; verdicts: ComparisonRow['verdict'][] } | null;
  hostMatrix: HostMatrix | null;
  appendices: Appendices;
}

const HEADLINES: Record<Severity | 'none', string> = {
  critical: 'Critical exposure: at least one weakness can be abused by anyone on the Internet today.',
  high: 'High risk: serious weaknesses need fixing soon.',
  medium: 'Moderate risk: the configuration needs hardening.',
  low: 'Good: only minor issues were found.',
  info: 'Good: only informational notes.',
  none: 'No issues were found by the checks that ran.',
};

export function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.id}\u0000${f.host}\u0000${String(f.port).padStart(5, '0')}\u0000${f.address ?? ''}`;
  return [...findings].sort((x, y) => severityRank[y.severity] - severityRank[x.severity] || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** Where each connection came from: the engine notes "connected to X from Y:port". */
export function sourceAddresses(a: Assessment): string[] {
  const found = new Set<string>();
  for (const f of a.findings) {
    for (const line of f.evidence.transcript?.slice(0, 50) ?? []) {
      const m = / \*\* connected to \S+ from (\S+?):\d+$/.exec(line);
      if (m) found.add(m[1].replace(/^\[|\]$/g, ''));
      if (found.size > 10) break;
    }
  }
  return [...found].map((s) => safeLine(s, 60));
}

function durationText(a: Assessment): string {
  const ms = Date.parse(a.finishedAt) - Date.parse(a.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '-';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function topIssues(sorted: FindingView[]): ReportModel['topIssues'] {
  const serious = sorted.filter((f) => severityRank[f.severity] >= severityRank.medium);
  const pool = serious.length ? serious : sorted.filter((f) => f.severity === 'low');
  const byId = new Map<string, { severity: Severity; text: string; refs: string[] }>();
  for (const f of pool) {
    const entry = byId.get(f.id) ?? { severity: f.severity, text: plainLanguage(f.id, f.title), refs: [] };
    entry.refs.push(f.ref);
    byId.set(f.id, entry);
  }
  return [...byId.values()].slice(0, 6);
}

function scope(a: Assessment, targets: [string, string][]): ReportModel['scope'] {
  const where = a.target.domain ? `the mail domain ${safeLine(a.target.domain, 200)} and ` : '';
  const statement = a.options.authorized
    ? `This assessment covers ${where}the ${targets.length === 1 ? 'host' : `${targets.length} hosts`} listed below, and nothing else. ` +
      'The consultant confirmed written authorization to test them (--i-am-authorized), so active tests ran: relay, recipient, size and harvest tests, which stop at RCPT and never deliver a message to a third party.'
    : `This assessment covers ${where}the ${targets.length === 1 ? 'host' : `${targets.length} hosts`} listed below, and nothing else. ` +
      'Authorization for active tests was not given: only passive checks ran (DNS, greeting, EHLO, STARTTLS); relay, recipient, size and harvest tests were skipped.';
  return { statement, authorized: a.options.authorized, targets, domain: a.target.domain ? safeLine(a.target.domain, 200) : null };
}

function method(a: Assessment): ReportModel['method'] {
  const ports = [...new Set(a.hosts.map((h) => h.port))];
  const sources = sourceAddresses(a);
  const rows: [string, string][] = [
    ['Checks selected', safeLine(a.options.checks.join(', '), 1000)],
    ['Ports', ports.join(', ') || '-'],
    ['DNS resolver', safeLine(a.options.resolver.join(', '), 300)],
    ['Source address', sources.join(', ') || 'not recorded'],
    ['EHLO name', safeLine(a.options.helo, 200)],
    ['Active tests', a.options.authorized ? 'yes (authorized)' : 'no (passive only)'],
    ['Started', safeLine(a.startedAt, 40)],
    ['Finished', safeLine(a.finishedAt, 40)],
    ['Duration', durationText(a)],
    ['Tool', `${safeLine(a.tool.name, 40)} ${safeLine(a.tool.version, 40)}`],
  ];
  const checks = a.checks.map((c) => [safeLine(c.id, 80), placeOf(c), c.status, `${Math.round(c.durationMs)} ms`, c.reason ? safeLine(c.reason, 300) : '']);
  return { rows, checks };
}

function comparison(a: Assessment, reference?: Assessment): ReportModel['comparison'] {
  const rows = a.comparison?.length ? a.comparison : reference ? compareAssessments(a, reference) : [];
  if (!rows.length) return null;
  return {
    rows: rows.map((r) => [safeLine(r.checkId, 80), safeLine(r.fact, 120), safeLine(r.target, 200), safeLine(r.reference, 200), r.verdict, safeLine([r.findingIds.join(', '), r.note ?? ''].filter(Boolean).join(' - '), 300)]),
    verdicts: rows.map((r) => r.verdict),
  };
}

export function buildReportModel(a: Assessment, options: ReportModelOptions = {}): ReportModel {
  const sorted = sortFindings(a.findings);
  const width = Math.max(2, String(sorted.length).length);
  const refOf = (i: number) => `F-${String(i + 1).padStart(width, '0')}`;
  const { appendices: transcripts, refByFinding } = transcriptAppendices(sorted, refOf);
  const findings = sorted.map((f, i) => findingView(f, i, width, refByFinding[i]));
  const counts = severities.map((severity) => ({ severity, count: sorted.filter((f) => f.severity === severity).length }));
  const level = sorted[0]?.severity ?? 'none';
  const meta = { ...a.engagement, ...dropEmpty({ name: options.meta?.engagement, client: options.meta?.client, consultant: options.meta?.consultant }) };
  const targets: [string, string][] = (a.hosts.length ? a.hosts : [{ host: a.target.host, port: a.target.port, addresses: a.target.addresses }]).map((h) => [
    placeOf({ host: h.host, port: h.port }),
    safeLine(h.addresses.join(', ') || 'unresolved', 300),
  ]);
  return {
    title: 'Mail server security assessment',
    cover: {
      engagement: meta.name ? safeLine(meta.name, 200) : null,
      client: meta.client ? safeLine(meta.client, 200) : null,
      consultant: meta.consultant ? safeLine(meta.consultant, 200) : null,
      targets: targets.map(([t]) => t),
      domain: a.target.domain ? safeLine(a.target.domain, 200) : null,
      date: safeLine(a.finishedAt.slice(0, 10), 20),
      toolVersion: `${safeLine(a.tool.name, 40)} ${safeLine(a.tool.version, 40)}`,
      generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    },
    posture: { level, headline: HEADLINES[level] },
    counts,
    total: sorted.length,
    topIssues: topIssues(findings),
    scope: scope(a, targets),
    method: method(a),
    findings,
    comparison: comparison(a, options.reference),
    hostMatrix: hostMatrix(a),
    appendices: buildAppendices(a, transcripts),
  };
}

function dropEmpty<T extends Record<string, string | undefined>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v.trim() !== '')) as Partial<T>;
}
