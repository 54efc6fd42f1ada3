// Check selection, grouped by category; active checks are marked (they need authorization).
import type { CheckInfo } from '../../../shared/ipc-contract.js';

export function CheckPicker({ checks, selected, onChange }: { checks: CheckInfo[]; selected: Set<string>; onChange: (s: Set<string>) => void }) {
  const categories = [...new Set(checks.map((c) => c.category))];
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset className="checks">
      <legend>Checks</legend>
      <div className="actions small">
        <button type="button" className="link" onClick={() => onChange(new Set(checks.map((c) => c.id)))}>
          All
        </button>
        <button type="button" className="link" onClick={() => onChange(new Set(checks.filter((c) => !c.active).map((c) => c.id)))}>
          Passive only
        </button>
        <button type="button" className="link" onClick={() => onChange(new Set())}>
          None
        </button>
      </div>
      <div className="check-groups">
        {categories.map((cat) => (
          <div key={cat} className="check-group">
            <strong>{cat.toUpperCase()}</strong>
            {checks
              .filter((c) => c.category === cat)
              .map((c) => (
                <label key={c.id} title={c.title}>
                  <input type="checkbox" checked={selected.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} /> {c.id}
                  {c.active ? <span className="tag">active</span> : null}
                </label>
              ))}
          </div>
        ))}
      </div>
    </fieldset>
  );
}
