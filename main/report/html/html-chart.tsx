// Findings by severity as an inline SVG bar chart: attributes only, no style, no script.
import type { Severity } from '../../../shared/assessment.js';
import { severityColour } from '../severity-style.js';

export function SeverityChart({ counts }: { counts: { severity: Severity; count: number }[] }) {
  const max = Math.max(1, ...counts.map((c) => c.count));
  const barHeight = 22;
  return (
    <svg className="chart" width="480" height={counts.length * (barHeight + 6)} role="img" aria-label="Findings by severity">
      {counts.map((c, i) => {
        const y = i * (barHeight + 6);
        const width = Math.round((c.count / max) * 320);
        return (
          <g key={c.severity}>
            <text x="0" y={y + 16}>{c.severity}</text>
            <rect x="80" y={y} width={Math.max(width, 2)} height={barHeight} fill={severityColour[c.severity].bg} />
            <text x={86 + Math.max(width, 2)} y={y + 16}>{c.count}</text>
          </g>
        );
      })}
    </svg>
  );
}
