// New assessment: targets and options, the check selection (active checks need the
// authorization box), then Run with per-check progress, the live transcript and Cancel.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { CheckInfo, ProgressEvent } from '../../../shared/ipc-contract.js';
import { ApiCallError, invoke } from '../api.js';
import { useEvent, useLoad } from '../hooks.js';
import type { Go } from '../app.js';
import type { Selection } from '../selection.js';
import { Field, issuesByPath } from '../components/field.js';
import { ErrorBanner } from '../components/error-banner.js';
import { CheckPicker } from '../components/check-picker.js';
import { LiveTranscript } from '../components/live-transcript.js';

interface RunState {
  runId: string;
  rows: Map<string, { host: string; port: number; checkId: string; status: string; reason?: string; message?: string; durationMs?: number }>;
  notes: string[];
  lines: string[];
  finished: { assessmentId: string | null; cancelled: boolean; error: string | null } | null;
}

const MAX_VIEW_LINES = 3000;

const splitList = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export function AssessmentScreen({ selection, go }: { selection: Selection; go: Go }) {
  const checks = useLoad(() => invoke('mxaudit:checks.list', {}), []);
  const engagement = useLoad(() => (selection.engagementId ? invoke('mxaudit:engagements.get', { id: selection.engagementId }) : Promise.resolve(null)), [selection.engagementId]);
  const [form, setForm] = useState({ hosts: '', domain: '', ports: '25', resolver: '', caPem: '', validRcpt: '', relayCanary: '', timeoutS: '', commandTimeoutMs: '', rblZones: '' });
  const [rblOnly, setRblOnly] = useState(false);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [authorized, setAuthorized] = useState(false);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<RunState | null>(null);
  const runRef = useRef<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const all: CheckInfo[] = checks.data ?? [];
  const selected = picked ?? new Set(all.map((c) => c.id));
  const activeSelected = all.filter((c) => c.active && selected.has(c.id));
  const running = !!run && !run.finished;

  useEvent('onDidProgress', ({ runId, events }) => {
    if (runId !== runRef.current) return;
    setRun((r) => (r ? { ...r, rows: applyProgress(r.rows, events), notes: [...r.notes, ...events.filter((e) => e.type === 'note').map((e) => e.message ?? '')] } : r));
  });
  useEvent('onDidTranscript', ({ runId, lines }) => {
    if (runId !== runRef.current) return;
    setRun((r) => (r ? { ...r, lines: [...r.lines, ...lines.map((l) => `[${l.checkId} ${l.host}:${l.port}] ${l.line}`)].slice(-MAX_VIEW_LINES) } : r));
  });
  useEvent('onDidFinishAssessment', (f) => {
    if (f.runId !== runRef.current) return;
    setRun((r) => (r ? { ...r, finished: { assessmentId: f.assessmentId, cancelled: f.cancelled, error: f.error } } : r));
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setIssues({});
    if (!selection.engagementId) return setError('Open an engagement first (Engagements screen).');
    if (activeSelected.length && !authorized) {
      setIssues({ authorized: `Tick the box to run the active checks (${activeSelected.map((c) => c.id).join(', ')}), or run the passive ones only.` });
      return;
    }
    const num = (s: string, scale = 1) => (s.trim() ? Math.round(Number(s) * scale) : null);
    try {
      const { runId } = await invoke('mxaudit:assessments.run', {
        engagementId: selection.engagementId,
        hosts: splitList(form.hosts),
        domain: form.domain.trim(),
        ports: splitList(form.ports).map(Number),
        resolver: splitList(form.resolver),
        caPem: form.caPem,
        validRcpt: splitList(form.validRcpt),
        relayCanary: form.relayCanary.trim(),
        rblZones: splitList(form.rblZones),
        rblOnly,
        timeoutMs: num(form.timeoutS, 1000),
        commandTimeoutMs: num(form.commandTimeoutMs),
        checks: picked ? [...selected] : [],
        authorized,
      });
      runRef.current = runId;
      setRun({ runId, rows: new Map(), notes: [], lines: [], finished: null });
    } catch (err) {
      setError((err as Error).message);
      if (err instanceof ApiCallError) setIssues(issuesByPath(err.issues));
    }
  };

  const rows = useMemo(() => [...(run?.rows.values() ?? [])], [run?.rows]);
  const eng = engagement.data?.engagement;

  return (
    <div className="columns">
      <form className="panel form-panel" onSubmit={submit} aria-labelledby="new-assessment" noValidate>
        <h2 id="new-assessment">New assessment{eng ? ` for ${eng.client}` : ''}</h2>
        {!selection.engagementId ? (
          <p className="banner warn">
            Open an engagement first.{' '}
            <button type="button" className="link" onClick={() => go('engagements')}>
              Engagements
            </button>
          </p>
        ) : null}
        <ErrorBanner error={error} onClose={() => setError(null)} />
        <Field label="Hosts" error={issues.hosts} hint="host, host:port, IPv4, [IPv6]:port; one per line; empty with a domain = its MX set">
          {(id, d) => <textarea id={id} rows={2} aria-describedby={d} value={form.hosts} onChange={set('hosts')} />}
        </Field>
        <div className="grid2">
          <Field label="Mail domain" error={issues.domain}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.domain} onChange={set('domain')} placeholder="example.com" />}
          </Field>
          <Field label="Ports" error={issues.ports} hint="e.g. 25,465,587">
            {(id, d) => <input id={id} aria-describedby={d} value={form.ports} onChange={set('ports')} />}
          </Field>
          <Field label="DNS resolver" error={issues.resolver} hint="IP or IP:PORT; empty = the system's">
            {(id, d) => <input id={id} aria-describedby={d} value={form.resolver} onChange={set('resolver')} />}
          </Field>
          <Field label="Valid recipient" error={issues.validRcpt}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.validRcpt} onChange={set('validRcpt')} placeholder="postmaster@example.com" />}
          </Field>
          <Field label="Relay canary" error={issues.relayCanary} hint="an address you control">
            {(id, d) => <input id={id} aria-describedby={d} value={form.relayCanary} onChange={set('relayCanary')} />}
          </Field>
          <Field label="Timeout per check (s)" error={issues.timeoutMs}>
            {(id, d) => <input id={id} inputMode="numeric" aria-describedby={d} value={form.timeoutS} onChange={set('timeoutS')} placeholder="default" />}
          </Field>
          <Field label="Timeout per reply (ms)" error={issues.commandTimeoutMs}>
            {(id, d) => <input id={id} inputMode="numeric" aria-describedby={d} value={form.commandTimeoutMs} onChange={set('commandTimeoutMs')} placeholder="default" />}
          </Field>
          <Field label="Block lists" error={issues.rblZones} hint="zones besides the public lists, comma separated">
            {(id, d) => (
              <div className="stack tight">
                <input id={id} aria-describedby={d} value={form.rblZones} onChange={set('rblZones')} placeholder="bl.example.net" />
                <label className="inline">
                  <input type="checkbox" checked={rblOnly} onChange={(e) => setRblOnly(e.target.checked)} /> only these
                </label>
              </div>
            )}
          </Field>
        </div>
        <Field label="CA bundle (PEM)" error={issues.caPem} hint="extra CA certificates for STARTTLS; paste or pick a file">
          {(id, d) => (
            <div className="stack">
              <textarea id={id} rows={2} className="mono" aria-describedby={d} value={form.caPem} onChange={set('caPem')} />
              <input
                type="file"
                aria-label="CA bundle file"
                accept=".pem,.crt,.cer"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file && file.size < 1_000_000) void file.text().then((caPem) => setForm((f) => ({ ...f, caPem })));
                }}
              />
            </div>
          )}
        </Field>
        <CheckPicker checks={all} selected={selected} onChange={setPicked} />
        <div className={`authorize${issues.authorized ? ' has-error' : ''}`}>
          <label>
            <input type="checkbox" checked={authorized} onChange={(e) => setAuthorized(e.target.checked)} aria-describedby={issues.authorized ? 'auth-error' : undefined} /> I am authorized to run active tests
            against these hosts{eng ? ` (authorized by ${eng.authorization.by} on ${eng.authorization.date})` : ''}.
          </label>
          {issues.authorized ? (
            <small className="error" id="auth-error" role="alert">
              {issues.authorized}
            </small>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={running || !selection.engagementId}>
            Run
          </button>
          <button type="button" className="secondary" disabled={!running} onClick={() => run && void invoke('mxaudit:assessments.cancel', { runId: run.runId })}>
            Cancel
          </button>
        </div>
      </form>
      <section className="panel grow" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        {!run ? <p className="muted">Nothing running.</p> : null}
        {run?.finished ? (
          <div className={`banner ${run.finished.error ? 'error' : 'ok'}`} role="status">
            {run.finished.error ? `Failed: ${run.finished.error}` : run.finished.cancelled ? 'Cancelled: what finished is saved, marked partial.' : 'Finished.'}{' '}
            {run.finished.assessmentId ? (
              <button type="button" className="link" onClick={() => go('findings', { assessmentId: run.finished!.assessmentId })}>
                Open findings
              </button>
            ) : null}
          </div>
        ) : run ? (
          <p role="status" className="muted">
            Running...
          </p>
        ) : null}
        {run?.notes.map((n, i) => (
          <p key={i} className="muted">
            {n}
          </p>
        ))}
        {rows.length ? (
          <table className="table compact" aria-label="Check progress">
            <thead>
              <tr>
                <th>Host</th>
                <th>Check</th>
                <th>Status</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.host}:${r.port}:${r.checkId}`} data-check={r.checkId}>
                  <td>
                    {r.host}:{r.port}
                  </td>
                  <td>{r.checkId}</td>
                  <td>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </td>
                  <td className="clip">{r.reason ?? r.message ?? (r.durationMs !== undefined ? `${Math.round(r.durationMs)} ms` : '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {run ? <LiveTranscript lines={run.lines} /> : null}
      </section>
    </div>
  );
}

function applyProgress(rows: RunState['rows'], events: ProgressEvent[]): RunState['rows'] {
  const next = new Map(rows);
  for (const e of events) {
    if (!e.checkId) continue;
    const key = `${e.host}:${e.port}:${e.checkId}`;
    const cur = next.get(key) ?? { host: e.host, port: e.port, checkId: e.checkId, status: 'queued' };
    if (e.type === 'check-start') next.set(key, { ...cur, status: 'running' });
    else if (e.type === 'check-progress') next.set(key, { ...cur, message: e.message });
    else if (e.type === 'check-end') next.set(key, { ...cur, status: e.status ?? 'done', reason: e.reason, durationMs: e.durationMs });
  }
  return next;
}
