// One finding: description, evidence (monospace, server text as text with control characters
// made visible), remediation, references.
import type { Finding } from '../../../shared/assessment.js';
import { visible } from '../../../shared/visible-text.js';
import { SeverityBadge } from './severity-badge.js';
import { HarvestChart, type HarvestSample } from './harvest-chart.js';

export function FindingDetail({ finding }: { finding: Finding }) {
  const { transcript, samples, ...rest } = finding.evidence as { transcript?: string[]; samples?: HarvestSample[] } & Record<string, unknown>;
  const other = Object.keys(rest).length ? JSON.stringify(rest, null, 2) : null;
  return (
    <article aria-labelledby="finding-title">
      <h2 id="finding-title">{finding.title}</h2>
      <p>
        <SeverityBadge severity={finding.severity} /> <span className="mono">{finding.id}</span> on {finding.port ? `${finding.host}:${finding.port}` : finding.host}
        {finding.address ? ` (${finding.address})` : ''}
      </p>
      <h3>Description</h3>
      <p>{finding.description}</p>
      <h3>Remediation</h3>
      <p>{finding.remediation}</p>
      {finding.references.length ? (
        <>
          <h3>References</h3>
          <ul>
            {finding.references.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Evidence</h3>
      {Array.isArray(samples) && samples.length ? <HarvestChart samples={samples} /> : null}
      {Array.isArray(transcript) ? (
        <pre className="evidence" tabIndex={0} aria-label="Evidence transcript">
          {transcript.map((l) => visible(String(l), 2000)).join('\n')}
        </pre>
      ) : null}
      {other ? (
        <pre className="evidence" tabIndex={0} aria-label="Evidence data">
          {visible(other, 20000)}
        </pre>
      ) : null}
    </article>
  );
}
