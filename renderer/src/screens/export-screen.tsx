// Export the open assessment as PDF, HTML, JSON or CSV with the engagement's details. The
// desktop app asks where (native dialog); in the browser the files are offered as downloads.
import { useState } from 'react';
import { invoke } from '../api.js';
import { useLoad } from '../hooks.js';
import type { Go } from '../app.js';
import type { Selection } from '../selection.js';
import { ErrorBanner } from '../components/error-banner.js';
import { NoAssessmentPanel } from '../components/no-assessment-panel.js';

const formats = ['pdf', 'html', 'json', 'csv'] as const;
type Format = (typeof formats)[number];

export function ExportScreen({ selection, go }: { selection: Selection; go: Go }) {
  const { engagementId, assessmentId } = selection;
  const engagement = useLoad(() => (engagementId ? invoke('mxaudit:engagements.get', { id: engagementId }) : Promise.resolve(null)), [engagementId]);
  const [picked, setPicked] = useState<Set<Format>>(new Set(['pdf']));
  const [files, setFiles] = useState<{ format: string; path: string; url: string | null }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!engagementId || !assessmentId) return <NoAssessmentPanel title="Export" go={go} />;
  const e = engagement.data?.engagement;
  const a = engagement.data?.assessments.find((x) => x.id === assessmentId);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await invoke('mxaudit:export.write', { engagementId, assessmentId, formats: formats.filter((f) => picked.has(f)) });
      setFiles(r.files);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      {e ? (
        <dl className="facts">
          <dt>Engagement</dt>
          <dd>{e.name}</dd>
          <dt>Client</dt>
          <dd>{e.client}</dd>
          <dt>Consultant</dt>
          <dd>{e.consultant || '-'}</dd>
          <dt>Assessment</dt>
          <dd>{a ? `${a.target}, ${new Date(a.startedAt).toLocaleString()}, ${a.findings} findings` : assessmentId}</dd>
        </dl>
      ) : null}
      <fieldset>
        <legend>Formats</legend>
        {formats.map((f) => (
          <label key={f} className="inline">
            <input
              type="checkbox"
              checked={picked.has(f)}
              onChange={(ev) => {
                const next = new Set(picked);
                if (ev.target.checked) next.add(f);
                else next.delete(f);
                setPicked(next);
              }}
            />{' '}
            {f.toUpperCase()}
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="button" onClick={run} disabled={busy || picked.size === 0}>
          {busy ? 'Exporting...' : 'Export'}
        </button>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {files.length ? (
        <ul aria-label="Exported files" className="files">
          {files.map((f) => (
            <li key={f.path}>
              <strong>{f.format.toUpperCase()}</strong> <span className="mono small">{f.path}</span>{' '}
              {f.url ? (
                <a href={f.url} download>
                  Download
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
