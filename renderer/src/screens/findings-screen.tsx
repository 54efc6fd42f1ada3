// Findings of the open assessment: a table sortable and filterable by severity, host and
// check, the selected finding's detail, and the fact views of each host.
import { useMemo, useState } from 'react';
import type { Assessment, Finding } from '../../../shared/assessment.js';
import { invoke } from '../api.js';
import { useLoad } from '../hooks.js';
import type { Go } from '../app.js';
import type { Selection } from '../selection.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SeverityBadge } from '../components/severity-badge.js';
import { FindingDetail } from '../components/finding-detail.js';
import { FactViews } from '../components/fact-views.js';

const rank: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
/** host:port, or the domain alone for domain findings (port 0). */
const where = (f: { host: string; port: number }) => (f.port ? `${f.host}:${f.port}` : f.host);
type SortKey = 'severity' | 'id' | 'host' | 'checkId';

export function FindingsScreen({ selection, go }: { selection: Selection; go: Go }) {
  const { engagementId, assessmentId } = selection;
  const loaded = useLoad(
    () => (engagementId && assessmentId ? invoke('mxaudit:assessments.get', { engagementId, assessmentId }) : Promise.resolve(null)),
    [engagementId, assessmentId],
  );
  const a = loaded.data as Assessment | null;
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'severity', desc: true });
  const [filter, setFilter] = useState({ severity: '', host: '', check: '', text: '' });
  const [picked, setPicked] = useState<number | null>(null);

  const findings = useMemo(() => {
    if (!a) return [];
    const f = a.findings
      .map((x, i) => ({ ...x, index: i }))
      .filter((x) => (!filter.severity || x.severity === filter.severity) && (!filter.host || where(x) === filter.host) && (!filter.check || x.checkId === filter.check))
      .filter((x) => !filter.text || `${x.id} ${x.title}`.toLowerCase().includes(filter.text.toLowerCase()));
    const cmp = (x: Finding, y: Finding) =>
      sort.key === 'severity' ? rank[x.severity] - rank[y.severity] || y.id.localeCompare(x.id) : sort.key === 'host' ? where(x).localeCompare(where(y)) : String(x[sort.key]).localeCompare(String(y[sort.key]));
    return f.sort((x, y) => (sort.desc ? -cmp(x, y) : cmp(x, y)));
  }, [a, sort, filter]);

  if (!engagementId || !assessmentId) {
    return (
      <section className="panel">
        <h2>Findings</h2>
        <p className="muted">
          Open an assessment from an engagement, or run one.{' '}
          <button type="button" className="link" onClick={() => go('engagements')}>
            Engagements
          </button>
        </p>
      </section>
    );
  }
  if (!a) return <ErrorBanner error={loaded.error} />;

  const hosts = [...new Set(a.findings.map(where))];
  const checks = [...new Set(a.findings.map((f) => f.checkId))];
  const current = picked !== null ? a.findings[picked] : null;
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === 'severity' })}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <div className="stack">
      <div className="columns">
        <section className="panel grow" aria-labelledby="findings-title">
          <div className="panel-head">
            <h2 id="findings-title">
              Findings: {a.target.domain ?? a.target.host} <span className="muted">({a.findings.length}, {new Date(a.startedAt).toLocaleString()})</span>
            </h2>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => go('compare')}>
                Compare
              </button>
              <button type="button" className="secondary" onClick={() => go('export')}>
                Export
              </button>
            </div>
          </div>
          <div className="filters" role="group" aria-label="Filters">
            <select aria-label="Severity filter" value={filter.severity} onChange={(e) => setFilter({ ...filter, severity: e.target.value })}>
              <option value="">All severities</option>
              {Object.keys(rank).map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select aria-label="Host filter" value={filter.host} onChange={(e) => setFilter({ ...filter, host: e.target.value })}>
              <option value="">All hosts</option>
              {hosts.map((h) => (
                <option key={h}>{h}</option>
              ))}
            </select>
            <select aria-label="Check filter" value={filter.check} onChange={(e) => setFilter({ ...filter, check: e.target.value })}>
              <option value="">All checks</option>
              {checks.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
            <input aria-label="Search findings" placeholder="Search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
          </div>
          <table className="table findings" aria-label="Findings">
            <thead>
              <tr>
                {header('severity', 'Severity')}
                {header('id', 'Finding')}
                {header('host', 'Host')}
                {header('checkId', 'Check')}
              </tr>
            </thead>
            <tbody>
              {findings.map((f) => (
                <tr key={f.index} className={picked === f.index ? 'selected' : ''} aria-selected={picked === f.index}>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td>
                    <button type="button" className="link finding-link" onClick={() => setPicked(f.index)}>
                      {f.title}
                    </button>
                    <div className="muted mono small">{f.id}</div>
                  </td>
                  <td>{where(f)}</td>
                  <td>{f.checkId}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {findings.length === 0 ? <p className="muted">No finding matches.</p> : null}
        </section>
        <section className="panel detail" aria-label="Finding detail">
          {current ? <FindingDetail finding={current} /> : <p className="muted">Select a finding to read its evidence.</p>}
        </section>
      </div>
      <FactViews assessment={a} />
    </div>
  );
}
