// A labelled form field with its validation error in place (linked by aria-describedby).
import { useId, type ReactNode } from 'react';

export function Field(props: { label: string; error?: string | null; hint?: string; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errorId : undefined)}
      {props.hint && !props.error ? <small className="hint">{props.hint}</small> : null}
      {props.error ? (
        <small className="error" id={errorId} role="alert">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}

/** Issues from main (path -> message), for fields. */
export function issuesByPath(issues: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path] ??= i.message;
  return out;
}
