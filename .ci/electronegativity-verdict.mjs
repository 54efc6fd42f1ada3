// Judges Electronegativity's findings table (its stdout with -v false): exit 1 on any HIGH or
// MEDIUM finding not reviewed, or when the output holds no completed scan at all.
import { readFileSync } from 'node:fs';

/**
 * Manual-review reminders, reviewed: check id -> file -> why it is fine. Only one is left, and
 * it cannot be removed honestly: OPEN_EXTERNAL_JS_CHECK flags every shell.openExternal call whose
 * argument is not a string literal (its source: AtomicChecks/OpenExternalJSCheck.js), and the
 * issue asks for exactly that call (finding references open in the system browser), https only.
 * The preload (PRELOAD_JS_CHECK, flagged for any webPreferences.preload) is registered with
 * session.registerPreloadScript on the window's own session instead, so it is no longer flagged;
 * a `preload` in a window's options fails again.
 */
const reviewed = {
  OPEN_EXTERNAL_JS_CHECK: { 'main/app/index.ts': 'only https: URLs, parsed with URL first; everything else is dropped' },
};

/**
 * Rows of the boxed table: a finding is `│ CHECK_ID │ file │ line:col │ url │`, optionally
 * `│ *Review Required* │`, then `│ SEVERITY | CONFIDENCE │`. ANSI colours are stripped first.
 * Check ids without a readable severity are returned as `unparsed` (a format change must fail,
 * never pass silently).
 */
export function parseTable(text) {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.startsWith('│'));
  const cells = (l) => l.split('│').slice(1, -1).map((c) => c.trim());
  const findings = [];
  const unparsed = [];
  for (let i = 0; i < lines.length; i++) {
    const [issue, file, location] = cells(lines[i]);
    if (!/^[A-Z0-9_]+_CHECK$/.test(issue ?? '')) continue;
    let j = i + 1;
    const review = lines[j] && cells(lines[j])[0] === '*Review Required*';
    if (review) j++;
    const m = /^(HIGH|MEDIUM|LOW|INFORMATIONAL)\s*\|\s*(\w+)$/.exec(lines[j] ? cells(lines[j])[0] : '');
    if (!m) {
      unparsed.push(issue);
      continue;
    }
    findings.push({ issue, severity: m[1], confidence: m[2], file, location, review });
    i = j;
  }
  return { findings, unparsed };
}

export function verdict(outputs) {
  const complete = outputs.every((t) => /check\(s\) successfully loaded/.test(t));
  const parsed = outputs.map(parseTable);
  const findings = parsed.flatMap((p) => p.findings);
  const unparsed = parsed.flatMap((p) => p.unparsed);
  const blocking = findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !reviewed[f.issue]?.[f.file]);
  return { complete: complete && unparsed.length === 0, findings, blocking, unparsed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs = process.argv.slice(2).map((p) => readFileSync(p, 'utf8'));
  const { complete, findings, blocking } = verdict(outputs);
  if (!complete) {
    console.log(outputs.join('\n'));
    console.log('electronegativity: the scan did not run to completion, or its table could not be read');
    process.exit(1);
  }
  for (const f of findings) console.log(`${blocking.includes(f) ? 'FAIL' : 'ok  '} ${f.severity.padEnd(8)} ${f.issue} ${f.file}:${f.location}${reviewed[f.issue]?.[f.file] ? ` (reviewed: ${reviewed[f.issue][f.file]})` : ''}`);
  console.log(`electronegativity: ${findings.length} finding(s), ${blocking.length} HIGH/MEDIUM not reviewed`);
  process.exit(blocking.length ? 1 : 0);
}
