// Reply time of each recipient tried during the harvest check, as bars (SVG, no library):
// a tarpit shows as growing bars, a flat line means an attacker can go at full speed.
export interface HarvestSample {
  conn: number;
  kind: string;
  ms: number;
  code: number;
}

export function HarvestChart({ samples }: { samples: HarvestSample[] }) {
  const shown = samples.slice(0, 200);
  const max = Math.max(1, ...shown.map((s) => s.ms));
  const w = 600;
  const h = 140;
  const bw = Math.max(2, Math.floor(w / Math.max(shown.length, 1)) - 1);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={`Reply time per recipient, up to ${Math.round(max)} ms`}>
        {shown.map((s, i) => {
          const bh = Math.max(1, (s.ms / max) * h);
          return (
            <rect key={i} x={i * (bw + 1)} y={h - bh} width={bw} height={bh} className={`bar bar-${s.kind === 'unknown' ? 'unknown' : s.kind === 'valid' ? 'valid' : 'other'}`}>
              <title>{`#${i + 1} connection ${s.conn + 1}, ${s.kind}: ${s.ms} ms, reply ${s.code}`}</title>
            </rect>
          );
        })}
        <text x={0} y={h + 15} className="axis">
          0
        </text>
        <text x={w} y={h + 15} textAnchor="end" className="axis">{`${shown.length} recipients; max ${Math.round(max)} ms`}</text>
      </svg>
      <figcaption>Reply time per recipient (unknown in red, valid in green)</figcaption>
    </figure>
  );
}
