// Judges Electronegativity's CSV reports: exit 1 on any HIGH or MEDIUM finding not reviewed.
import { readFileSync } from 'node:fs';

/** Manual-review reminders (the tool flags every use), reviewed: check id -> file -> why it is fine. */
const reviewed = {
  PRELOAD_JS_CHECK: { 'main/app/index.ts': 'the preload exposes only window.mxaudit (invoke on mxaudit:* channels, events); sandboxed, context-isolated' },
  OPEN_EXTERNAL_JS_CHECK: { 'main/app/index.ts': 'only https: URLs, parsed with URL first; everything else is dropped' },
};

/** Minimal RFC 4180 parser: quoted fields may hold commas and doubled quotes. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field.trim()), (field = '');
    else if (c === '\n') row.push(field.trim()), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field.trim()), rows.push(row);
  return rows;
}

export function verdict(csvTexts) {
  const findings = csvTexts.flatMap((t) => parseCsv(t).slice(1)).filter((r) => r.length >= 5).map(([issue, severity, confidence, file, location]) => ({ issue, severity, confidence, file, location }));
  const blocking = findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !reviewed[f.issue]?.[f.file]);
  return { findings, blocking };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { findings, blocking } = verdict(process.argv.slice(2).map((p) => readFileSync(p, 'utf8')));
  for (const f of findings) console.log(`${blocking.includes(f) ? 'FAIL' : 'ok  '} ${f.severity.padEnd(8)} ${f.issue} ${f.file}:${f.location}${reviewed[f.issue]?.[f.file] ? ` (reviewed: ${reviewed[f.issue][f.file]})` : ''}`);
  console.log(`electronegativity: ${findings.length} finding(s), ${blocking.length} HIGH/MEDIUM not reviewed`);
  process.exit(blocking.length ? 1 : 0);
}
