// Decisions per layer as horizontal stacked bars: accepted/continued vs refused.
export function CountersChart({ counters }: { counters: Record<string, Record<string, number>> }) {
  const rows = Object.entries(counters).map(([layer, c]) => {
    let pass = 0;
    let stop = 0;
    for (const [k, n] of Object.entries(c)) (/:(continue|accept)$/.test(k) ? (pass += n) : (stop += n));
    return { layer, pass, stop, detail: Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ') };
  });
  if (!rows.length) return <p className="muted">No decision yet.</p>;
  const max = Math.max(1, ...rows.map((r) => r.pass + r.stop));
  const rowH = 22;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 360 ${rows.length * rowH}`} role="img" aria-label="Decisions per layer">
        {rows.map((r, i) => (
          <g key={r.layer} transform={`translate(0 ${i * rowH})`}>
            <title>{`${r.layer}: ${r.detail}`}</title>
            <text x={0} y={14} className="axis">
              {r.layer}
            </text>
            <rect x={150} y={3} width={(r.pass / max) * 170} height={14} className="bar bar-valid" />
            <rect x={150 + (r.pass / max) * 170} y={3} width={(r.stop / max) * 170} height={14} className="bar bar-unknown" />
            <text x={356} y={14} textAnchor="end" className="axis">
              {r.stop}/{r.pass + r.stop}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>Passed (green) and stopped (red) decisions; hover for the detail.</figcaption>
      <table className="sr-only">
        <tbody>
          {rows.map((r) => (
            <tr key={r.layer}>
              <td>{r.layer}</td>
              <td>{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
