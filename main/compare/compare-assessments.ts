// Target vs reference, check by check and key fact by key fact. Each check's outcome is a row
// (`status`), followed by its key facts (key-facts.ts). Verdicts come from what the probe
// concluded: a check that did not conclude on either side (skipped, error, not run) makes its
// rows not comparable, never "same"; "weaker" names the target findings that explain it.
import { severityRank, type Assessment, type ComparisonRow, type Finding } from '../../shared/assessment.js';
import { keyFacts } from './key-facts.js';

/** pass < warn < fail; the others give no verdict. */
const STATUS_RANK: Record<string, number> = { pass: 0, warn: 1, fail: 2 };

interface CheckOutcome {
  status: string;
  reason?: string;
  concluded: boolean;
}

/** The worst status over every host the check ran on. */
function outcomeOf(a: Assessment, checkId: string): CheckOutcome {
  const runs = a.checks.filter((c) => c.id === checkId);
  if (!runs.length) return { status: 'not run', concluded: false };
  const ranked = runs.filter((r) => r.status in STATUS_RANK).sort((x, y) => STATUS_RANK[y.status] - STATUS_RANK[x.status]);
  if (ranked.length) return { status: ranked[0].status, concluded: true };
  return { status: runs[0].status, reason: runs[0].reason, concluded: false };
}

const describe = (o: CheckOutcome) => (o.reason ? `${o.status}: ${o.reason}` : o.status);
const unique = (xs: string[]) => [...new Set(xs)];
/** Worst severity among the findings (-1 for none). */
const score = (fs: Finding[]) => Math.max(-1, ...fs.map((f) => severityRank[f.severity]));

function notComparable(t: CheckOutcome, r: CheckOutcome): string {
  const parts = [!t.concluded ? `target ${describe(t)}` : null, !r.concluded ? `reference ${describe(r)}` : null];
  return parts.filter(Boolean).join('; ');
}

export function compareAssessments(target: Assessment, reference: Assessment): ComparisonRow[] {
  const checkIds = unique([...reference.options.checks, ...target.options.checks, ...reference.checks.map((c) => c.id), ...target.checks.map((c) => c.id)]);
  const rows: ComparisonRow[] = [];
  for (const checkId of checkIds) {
    const t = outcomeOf(target, checkId);
    const r = outcomeOf(reference, checkId);
    const tFindings = target.findings.filter((f) => f.checkId === checkId);
    const rFindings = reference.findings.filter((f) => f.checkId === checkId);
    rows.push(statusRow(checkId, t, r, tFindings, rFindings));
    for (const kf of keyFacts.filter((k) => k.checkId === checkId)) {
      const tBad = tFindings.filter((f) => kf.findings.includes(f.id));
      const rBad = rFindings.filter((f) => kf.findings.includes(f.id));
      const tIds = unique(tBad.map((f) => f.id));
      const rIds = unique(rBad.map((f) => f.id));
      const show = (a: Assessment, o: CheckOutcome, ids: string[]) => (o.concluded ? (kf.show(a, ids) ?? (ids.length ? ids.join(', ') : 'ok')) : describe(o));
      const base = { checkId, fact: kf.fact, target: show(target, t, tIds), reference: show(reference, r, rIds) };
      if (!t.concluded || !r.concluded) {
        // Both sides skipped for the same reason: the same outcome, with nothing to compare.
        const alike = t.status === r.status && t.reason === r.reason;
        rows.push({ ...base, verdict: alike ? 'same' : 'not-comparable', findingIds: [], ...(alike ? {} : { note: notComparable(t, r) }) });
        continue;
      }
      const diff = score(tBad) - score(rBad);
      rows.push({ ...base, verdict: diff > 0 ? 'weaker' : diff < 0 ? 'stronger' : 'same', findingIds: diff > 0 ? tIds : [] });
    }
  }
  return rows;
}

function statusRow(checkId: string, t: CheckOutcome, r: CheckOutcome, tFindings: Finding[], rFindings: Finding[]): ComparisonRow {
  const base = { checkId, fact: 'status', target: describe(t), reference: describe(r) };
  if (!t.concluded || !r.concluded) {
    if (t.status === r.status && t.reason === r.reason) return { ...base, verdict: 'same', findingIds: [] };
    return { ...base, verdict: 'not-comparable', findingIds: [], note: notComparable(t, r) };
  }
  const diff = STATUS_RANK[t.status] - STATUS_RANK[r.status];
  if (diff > 0) {
    // What the target has at low or above that the reference does not.
    const known = new Set(rFindings.map((f) => f.id));
    const ids = unique(tFindings.filter((f) => severityRank[f.severity] >= severityRank.low && !known.has(f.id)).map((f) => f.id));
    return { ...base, verdict: 'weaker', findingIds: ids };
  }
  return { ...base, verdict: diff < 0 ? 'stronger' : 'same', findingIds: [] };
}
