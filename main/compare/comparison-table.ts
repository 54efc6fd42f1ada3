// The comparison as a text table: one line per row, the verdict last, the explaining findings
// under a weaker row. Values may carry server text: control characters are made visible.
import type { ComparisonRow } from '../../shared/assessment.js';
import { visible } from '../../shared/visible-text.js';

const MARK: Record<ComparisonRow['verdict'], string> = { same: 'same', weaker: 'WEAKER', stronger: 'stronger', 'not-comparable': 'n/c' };

const cell = (s: string, w: number) => {
  const v = visible(s, 500);
  return v.length > w ? `${v.slice(0, w - 1)}…` : v.padEnd(w);
};

export function formatComparison(rows: ComparisonRow[]): string {
  const w = { what: 34, value: 34 };
  const out = [`${cell('check / fact', w.what)}  ${cell('target', w.value)}  ${cell('reference', w.value)}  verdict`];
  for (const r of rows) {
    const what = r.fact === 'status' ? r.checkId : `  ${r.fact}`;
    out.push(`${cell(what, w.what)}  ${cell(r.target, w.value)}  ${cell(r.reference, w.value)}  ${MARK[r.verdict]}`);
    if (r.verdict === 'weaker' && r.findingIds.length) out.push(`${' '.repeat(w.what + 2)}because: ${r.findingIds.join(', ')}`);
  }
  const count = (v: ComparisonRow['verdict']) => rows.filter((r) => r.verdict === v).length;
  out.push('', `${count('weaker')} weaker, ${count('same')} same, ${count('stronger')} stronger, ${count('not-comparable')} not comparable`);
  return out.join('\n');
}
