// The gateway config editor: JSON or YAML text checked by main as you type; each problem is
// shown with its path and line, and the line is marked in the gutter.
import { useEffect, useId, useState } from 'react';
import type { ConfigIssue } from '../../../shared/ipc-contract.js';
import { invoke } from '../api.js';

export function ConfigEditor({ text, onChange, disabled }: { text: string; onChange: (t: string) => void; disabled: boolean }) {
  const [issues, setIssues] = useState<ConfigIssue[]>([]);
  const id = useId();
  useEffect(() => {
    const t = setTimeout(() => {
      void invoke('mxaudit:gateway.validateConfig', { text }).then((r) => setIssues(r.issues), (e: Error) => setIssues([{ path: '', message: e.message, line: null }]));
    }, 250);
    return () => clearTimeout(t);
  }, [text]);
  const lines = text.split('\n');
  const bad = new Set(issues.map((i) => i.line).filter((l): l is number => l !== null));
  return (
    <div className={`config-editor${issues.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>Configuration (JSON or YAML; listen address and port come from above)</label>
      <div className="editor">
        <div className="gutter" aria-hidden="true">
          {lines.map((_, i) => (
            <div key={i} className={bad.has(i + 1) ? 'bad' : ''}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea id={id} className="mono" spellCheck={false} rows={Math.min(Math.max(lines.length, 6), 18)} value={text} onChange={(e) => onChange(e.target.value)} disabled={disabled} aria-invalid={issues.length > 0} aria-describedby={`${id}-issues`} />
      </div>
      <ul id={`${id}-issues`} className="error-list" aria-live="polite" aria-label="Configuration problems">
        {issues.map((i, n) => (
          <li key={n}>
            {i.line ? `line ${i.line}: ` : ''}
            {i.path ? <code>{i.path}</code> : null}
            {i.path ? ': ' : ''}
            {i.message}
          </li>
        ))}
      </ul>
      {issues.length === 0 ? <small className="hint">Configuration valid.</small> : null}
    </div>
  );
}
