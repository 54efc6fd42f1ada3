// Target vs the reference gateway, check by check, with a verdict per row.
import { useState } from 'react';
import type { ComparisonRow } from '../../../shared/assessment.js';
import { invoke } from '../api.js';
import { useEvent } from '../hooks.js';
import type { Go } from '../app.js';
import type { Selection } from '../selection.js';
import { ErrorBanner } from '../components/error-banner.js';
import { NoAssessmentPanel } from '../components/no-assessment-panel.js';
import { visible } from '../../../shared/visible-text.js';

export function CompareScreen({ selection, go }: { selection: Selection; go: Go }) {
  const [rows, setRows] = useState<ComparisonRow[] | null>(null);
  const [referenceAt, setReferenceAt] = useState<string | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState('');
  useEvent('onDidCompareProgress', (p) => setProgress(p.message));
  const { engagementId, assessmentId } = selection;
  if (!engagementId || !assessmentId) return <NoAssessmentPanel title="Compare" go={go} />;
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await invoke('mxaudit:compare.run', { engagementId, assessmentId });
      setRows(r.rows);
      setReferenceAt(r.referenceAt);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  const counts = rows ? Object.entries(rows.reduce<Record<string, number>>((acc, r) => ((acc[r.verdict] = (acc[r.verdict] ?? 0) + 1), acc), {})) : [];
  return (
    <section className="panel" aria-labelledby="compare-title">
      <div className="panel-head">
        <h2 id="compare-title">Target vs reference</h2>
        <button type="button" onClick={run} disabled={busy}>
          {busy ? 'Comparing...' : 'Compare with the reference'}
        </button>
      </div>
      <p className="muted">The reference is the lab's hardened gateway, probed with the full suite (run once, then kept).</p>
      {progress ? (
        <p role="status" className="muted">
          {progress}
        </p>
      ) : null}
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {rows ? (
        <>
          <p role="status">
            {rows.length} comparisons{counts.length ? `: ${counts.map(([v, n]) => `${n} ${v}`).join(', ')}` : ''}
            {referenceAt ? ` (reference of ${new Date(referenceAt).toLocaleString()})` : ''}
          </p>
          <label className="inline">
            Show{' '}
            <select aria-label="Verdict filter" value={verdict} onChange={(e) => setVerdict(e.target.value)}>
              <option value="">every verdict</option>
              {counts.map(([v]) => (
                <option key={v} value={v}>
                  {v} only
                </option>
              ))}
            </select>
          </label>
          <table className="table compare" aria-label="Comparison">
            <thead>
              <tr>
                <th>Check</th>
                <th>Fact</th>
                <th>Target</th>
                <th>Reference</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {rows.filter((r) => !verdict || r.verdict === verdict).map((r, i) => (
                <tr key={i}>
                  <td>{r.checkId}</td>
                  <td className="mono small">{r.fact}</td>
                  <td>{visible(r.target, 300)}</td>
                  <td>{visible(r.reference, 300)}</td>
                  <td>
                    <span className={`verdict verdict-${r.verdict}`}>{r.verdict}</span>
                    {r.findingIds.length ? <div className="mono small">{r.findingIds.join(', ')}</div> : null}
                    {r.note ? <div className="small muted">{visible(r.note, 300)}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
