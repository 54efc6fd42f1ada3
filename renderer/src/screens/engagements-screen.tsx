// Engagements: the list, the form to create one (client, scope, who authorized which hosts
// and when), and the open engagement's assessments.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiCallError, invoke } from '../api.js';
import { useLoad } from '../hooks.js';
import type { Go } from '../app.js';
import type { Selection } from '../selection.js';
import { Field, issuesByPath } from '../components/field.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SeverityBadge } from '../components/severity-badge.js';

const today = () => new Date().toISOString().slice(0, 10);

export function EngagementsScreen({ selection, go }: { selection: Selection; go: Go }) {
  const list = useLoad(() => invoke('mxaudit:engagements.list', {}), []);
  const open = useLoad(() => (selection.engagementId ? invoke('mxaudit:engagements.get', { id: selection.engagementId }) : Promise.resolve(null)), [selection.engagementId]);
  const [creating, setCreating] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  useEffect(() => setConfirmDelete(false), [selection.engagementId]);
  const remove = async (id: string) => {
    try {
      await invoke('mxaudit:engagements.delete', { id });
      setConfirmDelete(false);
      list.reload();
      go('engagements', { engagementId: null, assessmentId: null });
    } catch (e) {
      setDeleteError((e as Error).message);
    }
  };

  return (
    <div className="columns">
      <section className="panel" aria-labelledby="eng-list">
        <div className="panel-head">
          <h2 id="eng-list">Engagements</h2>
          <button type="button" onClick={() => setCreating(true)}>
            New engagement
          </button>
        </div>
        <ErrorBanner error={list.error} />
        {list.data && list.data.length === 0 ? <p className="muted">No engagement yet: create one to start.</p> : null}
        <ul className="list" aria-label="Engagement list">
          {list.data?.map((e) => (
            <li key={e.id}>
              <button type="button" className={`row-button${selection.engagementId === e.id ? ' selected' : ''}`} aria-pressed={selection.engagementId === e.id} onClick={() => go('engagements', { engagementId: e.id, assessmentId: null })}>
                <strong>{e.name}</strong> <span className="muted">{e.client}</span>
                <small>
                  authorized by {e.authorization.by} on {e.authorization.date}
                </small>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel grow" aria-labelledby="eng-detail">
        {creating ? (
          <CreateEngagement
            onCancel={() => setCreating(false)}
            onCreated={(id) => {
              setCreating(false);
              list.reload();
              go('engagements', { engagementId: id, assessmentId: null });
            }}
          />
        ) : open.data ? (
          <>
            <div className="panel-head">
              <h2 id="eng-detail">{open.data.engagement.name}</h2>
              <div className="actions">
                <button type="button" onClick={() => go('assessment')}>
                  New assessment
                </button>
                {confirmDelete ? (
                  <>
                    <button type="button" className="danger" onClick={() => void remove(open.data!.engagement.id)}>
                      Delete it and its assessments
                    </button>
                    <button type="button" className="secondary" onClick={() => setConfirmDelete(false)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" className="secondary" onClick={() => setConfirmDelete(true)}>
                    Delete
                  </button>
                )}
              </div>
            </div>
            <ErrorBanner error={deleteError} onClose={() => setDeleteError(null)} />
            <dl className="facts">
              <dt>Client</dt>
              <dd>{open.data.engagement.client}</dd>
              <dt>Consultant</dt>
              <dd>{open.data.engagement.consultant || '-'}</dd>
              <dt>Scope</dt>
              <dd className="prewrap">{open.data.engagement.scope || '-'}</dd>
              <dt>Authorized by</dt>
              <dd>
                {open.data.engagement.authorization.by} on {open.data.engagement.authorization.date}
              </dd>
              <dt>Authorized hosts</dt>
              <dd>{open.data.engagement.authorization.hosts.join(', ') || '-'}</dd>
            </dl>
            <h3>Assessments</h3>
            {open.data.assessments.length === 0 ? <p className="muted">None yet.</p> : null}
            <table className="table" aria-label="Assessments">
              <thead>
                <tr>
                  <th>Target</th>
                  <th>Started</th>
                  <th>Findings</th>
                  <th>Worst</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {open.data.assessments.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.target}
                      {a.cancelled ? <em className="muted"> (cancelled, partial)</em> : null}
                    </td>
                    <td>{new Date(a.startedAt).toLocaleString()}</td>
                    <td>{a.findings}</td>
                    <td>{a.worst ? <SeverityBadge severity={a.worst} /> : '-'}</td>
                    <td>
                      <button type="button" className="link" onClick={() => go('findings', { assessmentId: a.id })}>
                        Open findings
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <>
            <h2 id="eng-detail">No engagement open</h2>
            <ErrorBanner error={open.error} />
            <p className="muted">Pick one from the list, or create one. An engagement records who authorized the tests, when, and on which hosts.</p>
          </>
        )}
      </section>
    </div>
  );
}

function CreateEngagement({ onCancel, onCreated }: { onCancel: () => void; onCreated: (id: string) => void }) {
  const [form, setForm] = useState({ name: '', client: '', consultant: '', scope: '', by: '', date: today(), hosts: '' });
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const rec = await invoke('mxaudit:engagements.create', {
        name: form.name,
        client: form.client,
        consultant: form.consultant,
        scope: form.scope,
        authorization: { by: form.by, date: form.date, hosts: form.hosts.split(/[\s,]+/).filter(Boolean) },
      });
      onCreated(rec.id);
    } catch (err) {
      setError((err as Error).message);
      if (err instanceof ApiCallError) setIssues(issuesByPath(err.issues));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="create-title" noValidate>
      <h2 id="create-title">New engagement</h2>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="grid2">
        <Field label="Engagement name" error={issues.name}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.name} onChange={set('name')} autoFocus />}
        </Field>
        <Field label="Client" error={issues.client}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.client} onChange={set('client')} />}
        </Field>
        <Field label="Consultant" error={issues.consultant}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.consultant} onChange={set('consultant')} />}
        </Field>
        <Field label="Authorized by" error={issues['authorization.by']} hint="who signed the authorization">
          {(id, d) => <input id={id} aria-describedby={d} value={form.by} onChange={set('by')} />}
        </Field>
        <Field label="Authorization date" error={issues['authorization.date']}>
          {(id, d) => <input id={id} type="date" aria-describedby={d} value={form.date} onChange={set('date')} />}
        </Field>
        <Field label="Authorized hosts" error={issues['authorization.hosts']} hint="host names or addresses, one per line">
          {(id, d) => <textarea id={id} rows={3} aria-describedby={d} value={form.hosts} onChange={set('hosts')} />}
        </Field>
      </div>
      <Field label="Scope" error={issues.scope}>
        {(id, d) => <textarea id={id} rows={3} aria-describedby={d} value={form.scope} onChange={set('scope')} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Create engagement
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
