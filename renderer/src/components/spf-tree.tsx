// The SPF include/redirect tree as nested lists: each record, its lookups, its errors.
import { visible } from '../../../shared/visible-text.js';

export interface SpfNodeView {
  domain: string;
  via: string;
  records: string[];
  lookups: number;
  voidLookups: number;
  children: SpfNodeView[];
  error?: string;
}

export function SpfTree({ node, depth = 0 }: { node: SpfNodeView; depth?: number }) {
  if (depth > 12) return null; // a loop in the data never loops the UI
  return (
    <ul className={depth === 0 ? 'tree' : undefined}>
      <li>
        <span className="mono">
          {node.via === 'root' ? '' : `${node.via}: `}
          {visible(node.domain, 300)}
        </span>{' '}
        <span className="muted">
          ({node.lookups} lookups{node.voidLookups ? `, ${node.voidLookups} void` : ''})
        </span>
        {node.records.map((r, i) => (
          <div key={i} className="mono small">
            {visible(r, 1000)}
          </div>
        ))}
        {node.error ? <div className="error small">{visible(node.error, 500)}</div> : null}
        {node.children.map((c, i) => (
          <SpfTree key={i} node={c} depth={depth + 1} />
        ))}
      </li>
    </ul>
  );
}
