// The attack suite and the traffic generator, played against the running gateway: each
// attack's expected and observed stop, streamed as it finishes.
import { useState } from 'react';
import type { AttackResultView } from '../../../shared/ipc-contract.js';
import { invoke } from '../api.js';
import { useEvent } from '../hooks.js';
import { ErrorBanner } from './error-banner.js';
import { visible } from '../../../shared/visible-text.js';

interface TrafficStats {
  attempts?: number;
  outcomes?: Record<string, number>;
  refusedBy?: Record<string, number>;
  durationMs?: number;
}

function TrafficTable({ stats }: { stats: TrafficStats }) {
  const rows = [...Object.entries(stats.outcomes ?? {}).map(([k, n]) => ['outcome', k, n] as const), ...Object.entries(stats.refusedBy ?? {}).map(([k, n]) => ['refused by', k, n] as const)];
  return (
    <>
      <p role="status">
        {stats.attempts ?? 0} attempts{stats.durationMs !== undefined ? ` in ${(stats.durationMs / 1000).toFixed(1)} s` : ''}
      </p>
      <table className="table compact" aria-label="Traffic statistics">
        <tbody>
          {rows.map(([kind, k, n]) => (
            <tr key={`${kind}-${k}`}>
              <th>{kind}</th>
              <td>{visible(k, 100)}</td>
              <td>{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function AttackPanel({ running }: { running: boolean }) {
  const [results, setResults] = useState<AttackResultView[]>([]);
  const [busy, setBusy] = useState<'attack' | 'traffic' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [traffic, setTraffic] = useState<TrafficStats | null>(null);
  useEvent('onDidAttackResult', (r) => setResults((cur) => [...cur.filter((x) => x.id !== r.id), r]));
  const attack = async () => {
    setBusy('attack');
    setError(null);
    setResults([]);
    try {
      setResults(await invoke('mxaudit:attack.run', {}));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const sendTraffic = async () => {
    setBusy('traffic');
    setError(null);
    try {
      const r = await invoke('mxaudit:traffic.run', { messages: 50 });
      setTraffic(r.summary as TrafficStats);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const show = (x: unknown) => visible(typeof x === 'string' ? x : JSON.stringify(x ?? null), 300);
  return (
    <section className="panel" aria-labelledby="attack-title">
      <div className="panel-head">
        <h2 id="attack-title">Attack suite and traffic</h2>
        <div className="actions">
          <button type="button" onClick={attack} disabled={!running || busy !== null}>
            {busy === 'attack' ? 'Attacking...' : 'Run the attack suite'}
          </button>
          <button type="button" className="secondary" onClick={sendTraffic} disabled={!running || busy !== null}>
            {busy === 'traffic' ? 'Sending...' : 'Generate traffic'}
          </button>
        </div>
      </div>
      {!running ? <p className="muted">Start the gateway first.</p> : null}
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {traffic ? <TrafficTable stats={traffic} /> : null}
      {results.length ? (
        <table className="table compact" aria-label="Attack results">
          <thead>
            <tr>
              <th>Attack</th>
              <th>Verdict</th>
              <th>Expected</th>
              <th>Observed</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.id}>
                <td>{r.title}</td>
                <td>
                  <span className={`status status-${r.asExpected ? 'pass' : r.verdict === 'skipped' ? 'skipped' : 'fail'}`}>
                    {r.verdict}
                    {r.asExpected ? ' as expected' : ''}
                  </span>
                </td>
                <td className="mono small">{show(r.expected)}</td>
                <td className="mono small">{show(r.observed ?? r.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
