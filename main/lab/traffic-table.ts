// Traffic statistics as text, in the talk's "one day at the gateway" spirit: attempts, then
// what each layer refused, what was delivered and what was filed as junk.
import { UNTRACED, type TrafficStats } from './traffic.js';

const LABELS: Record<string, string> = { delivered: 'delivered to the inbox', junked: 'delivered to junk', quarantined: 'quarantined', dropped: 'accepted, then dropped', error: 'no answer (error)' };

export function formatTrafficStats(s: TrafficStats): string {
  const width = String(s.attempts).length;
  const pct = (n: number) => (s.attempts ? `${((100 * n) / s.attempts).toFixed(1).padStart(5)} %` : '');
  const line = (n: number, label: string) => `  ${String(n).padStart(width)}  ${pct(n)}  ${label}`;
  const delivered = s.outcomes.delivered ?? 0;
  const refused = Object.values(s.refusedBy).reduce((a, b) => a + b, 0);
  const out = [
    `Traffic: ${s.attempts} attempts in ${(s.durationMs / 1000).toFixed(1)} s`,
    // The talk's one-day figure: "out of 50,000,000+ submission attempts only about 1,500,000 were legitimate".
    `  out of ${s.attempts} submission attempts, ${delivered} reached an inbox and ${refused} were refused`,
  ];
  for (const [layer, n] of Object.entries(s.refusedBy).sort((a, b) => b[1] - a[1])) out.push(line(n, `refused by ${layer === UNTRACED ? 'the SMTP engine itself (SIZE; not traced by the gateway)' : layer}`));
  for (const o of ['delivered', 'junked', 'quarantined', 'dropped', 'error']) if (s.outcomes[o]) out.push(line(s.outcomes[o], LABELS[o]));
  out.push('', 'By kind of traffic:');
  for (const [kind, outcomes] of Object.entries(s.byKind)) {
    out.push(`  ${kind.padEnd(16)} ${Object.entries(outcomes).map(([o, n]) => `${n} ${o}`).join(', ')}`);
  }
  return out.join('\n');
}
