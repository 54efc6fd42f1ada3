// A severity as a coloured label (the word is always written: colour is never the only cue).
export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`sev sev-${/^[a-z]+$/.test(severity) ? severity : 'info'}`}>{severity}</span>;
}
