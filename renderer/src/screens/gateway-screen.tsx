// The reference gateway: one-click start and stop (port, lab DNS), the config editor with
// its errors in place, the live session log, per-layer counters, the mailboxes, and the
// attack suite and traffic generator.
import { useEffect, useRef, useState } from 'react';
import type { GatewaySessionView, GatewayStatus } from '../../../shared/ipc-contract.js';
import { invoke } from '../api.js';
import { useEvent } from '../hooks.js';
import { ErrorBanner } from '../components/error-banner.js';
import { ConfigEditor } from '../components/config-editor.js';
import { SessionLog } from '../components/session-log.js';
import { CountersChart } from '../components/counters-chart.js';
import { MailboxViewer } from '../components/mailbox-viewer.js';
import { AttackPanel } from '../components/attack-panel.js';

const MAX_SESSIONS = 300;
/** Sessions arrive by the hundred per second under load: the view catches up this often. */
const FLUSH_MS = 250;

export function GatewayScreen() {
  const [status, setStatus] = useState<GatewayStatus | null>(null);
  const [sessions, setSessions] = useState<GatewaySessionView[]>([]);
  const [port, setPort] = useState('2525');
  const [labDns, setLabDns] = useState(true);
  const [configText, setConfigText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mailboxTick, setMailboxTick] = useState(0);

  useEffect(() => {
    void invoke('mxaudit:gateway.status', {}).then(setStatus, (e: Error) => setError(e.message));
    void invoke('mxaudit:gateway.sessions', {}).then((s) => setSessions(s.slice(-MAX_SESSIONS)), () => {});
    void invoke('mxaudit:gateway.defaultConfig', {}).then((c) => setConfigText((t) => t ?? c.text), () => {});
  }, []);
  useEvent('onDidGatewayStatus', setStatus);
  const pending = useRef<{ sessions: GatewaySessionView[]; stored: boolean; timer: number | null }>({ sessions: [], stored: false, timer: null });
  useEffect(() => () => void (pending.current.timer !== null && clearTimeout(pending.current.timer)), []);
  useEvent('onDidGatewaySession', (s) => {
    const p = pending.current;
    p.sessions.push(s);
    p.stored ||= s.decisions.some((d) => d.phase === 'data' && d.reply.startsWith('250'));
    p.timer ??= window.setTimeout(() => {
      const batch = p.sessions.splice(0);
      if (p.stored) setMailboxTick((n) => n + 1);
      p.stored = false;
      p.timer = null;
      setSessions((cur) => [...cur, ...batch].slice(-MAX_SESSIONS));
    }, FLUSH_MS);
  });

  const running = status?.state === 'running';
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const p = Number(port);
      setSessions([]);
      setStatus(await invoke('mxaudit:gateway.start', { port: Number.isInteger(p) ? p : -1, labDns, configText: configText ?? '' }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    setBusy(true);
    try {
      setStatus(await invoke('mxaudit:gateway.stop', {}));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="gw-title">
        <div className="panel-head">
          <h2 id="gw-title">Reference gateway</h2>
          <span className={`status status-${running ? 'pass' : status?.state === 'failed' ? 'fail' : 'skipped'}`} role="status" aria-label="Gateway state">
            {status?.state ?? '...'}
            {running ? ` on ${status?.host}:${status?.port}` : ''}
            {running && status?.labDns ? `, lab DNS ${status.labDns}` : ''}
          </span>
        </div>
        <ErrorBanner error={error ?? (status?.state === 'failed' ? status.error : null)} onClose={() => setError(null)} />
        <div className="actions">
          <label>
            Port{' '}
            <input className="narrow" inputMode="numeric" aria-label="Gateway port" value={port} onChange={(e) => setPort(e.target.value)} disabled={running} />
          </label>
          <label>
            <input type="checkbox" checked={labDns} onChange={(e) => setLabDns(e.target.checked)} disabled={running} /> Lab DNS (block list, SPF; XCLIENT from loopback)
          </label>
          <button type="button" onClick={start} disabled={busy || running || status?.state === 'starting'}>
            Start
          </button>
          <button type="button" className="secondary" onClick={stop} disabled={busy || !running}>
            Stop
          </button>
        </div>
        {configText !== null ? <ConfigEditor text={configText} onChange={setConfigText} disabled={running} /> : null}
      </section>
      <div className="columns">
        <section className="panel grow" aria-labelledby="log-title">
          <h2 id="log-title">Session log</h2>
          <SessionLog sessions={sessions} />
        </section>
        <section className="panel" aria-labelledby="counters-title">
          <h2 id="counters-title">Decisions per layer</h2>
          <CountersChart counters={status?.counters ?? {}} />
        </section>
      </div>
      <MailboxViewer refreshKey={mailboxTick} />
      <AttackPanel running={running} />
    </div>
  );
}
