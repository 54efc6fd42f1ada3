// Live session log: one line per finished session (client, HELO, final reply), expandable to
// its decision trace (phase, layer, action, reason, reply, time). Client text is text.
import { visible } from '../../../shared/visible-text.js';
import type { GatewaySessionView } from '../../../shared/ipc-contract.js';

export function SessionLog({ sessions }: { sessions: GatewaySessionView[] }) {
  if (!sessions.length) return <p className="muted">No session yet. Send mail to the gateway (or run the attack suite).</p>;
  return (
    <ol className="session-log" aria-label="Sessions" reversed>
      {[...sessions].reverse().map((s) => {
        const last = s.decisions[s.decisions.length - 1];
        const refused = s.decisions.find((d) => d.action !== 'continue' && d.action !== 'accept');
        return (
          <li key={s.id + s.endedAt}>
            <details>
              <summary>
                <span className="mono">{s.remoteAddress}</span> {s.helo ? <span className="muted">HELO {visible(s.helo, 100)}</span> : null}{' '}
                {refused ? <span className="status status-fail">{refused.layer}</span> : <span className="status status-pass">accepted</span>}{' '}
                <span className="mono small">{last ? visible(last.reply, 200) : 'no command'}</span>
              </summary>
              <table className="table compact trace" aria-label="Decision trace">
                <thead>
                  <tr>
                    <th>Phase</th>
                    <th>Layer</th>
                    <th>Action</th>
                    <th>Reason</th>
                    <th>Reply</th>
                    <th>ms</th>
                  </tr>
                </thead>
                <tbody>
                  {s.decisions.map((d, i) => (
                    <tr key={i}>
                      <td>
                        {d.phase}
                        {d.subject ? <div className="mono small">{visible(d.subject, 200)}</div> : null}
                      </td>
                      <td>{d.layer}</td>
                      <td>{d.action}</td>
                      <td>{visible(d.reason, 400)}</td>
                      <td className="mono small">{visible(d.reply, 300)}</td>
                      <td>{Math.round(d.ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
