// Terminal rendering of an assessment: findings by severity, then a one-line summary.
// Every string that may come from a server goes through visible(): no escape sequence acts.
import { severities, type Assessment } from '../../shared/assessment.js';
import { visible } from '../../shared/visible-text.js';

/** Domain-level results have port 0; host results name the address when there may be several. */
const place = (x: { host: string; port: number; address?: string }) =>
  x.port === 0 ? x.host : `${x.host}:${x.port}${x.address && x.address !== x.host ? ` ${x.address}` : ''}`;

export function formatText(a: Assessment): string {
  const out: string[] = [];
  for (const h of a.hosts) {
    const banner = typeof h.facts.banner === 'string' ? `  banner: ${visible(h.facts.banner, 200)}` : '';
    out.push(`${h.host}:${h.port} (${h.addresses.join(', ') || 'unresolved'})${banner}`);
  }
  if (a.target.domain) out.push(`domain: ${a.target.domain}`);
  out.push(`resolver: ${a.options.resolver.join(', ')}`);
  out.push('');
  for (const sev of severities) {
    const group = a.findings.filter((f) => f.severity === sev);
    if (!group.length) continue;
    out.push(`${sev.toUpperCase()} (${group.length})`);
    for (const f of group) {
      const where = a.hosts.length > 1 || f.port === 0 ? ` [${place(f)}]` : '';
      out.push(`  ${f.id}${where}: ${f.title}`);
      out.push(`    ${visible(f.description, 1200)}`);
      out.push(`    fix: ${f.remediation}`);
    }
    out.push('');
  }
  const notRun = a.checks.filter((c) => c.status === 'error' || c.status === 'skipped');
  for (const c of notRun) out.push(`${c.status === 'error' ? 'ERROR  ' : 'SKIPPED'} ${c.id}${a.hosts.length > 1 || c.port === 0 ? ` [${place(c)}]` : ''}: ${visible(c.reason ?? '', 300)}`);
  if (notRun.length) out.push('');
  const count = (s: string) => a.findings.filter((f) => f.severity === s).length;
  const statusCount = (s: string) => a.checks.filter((c) => c.status === s).length;
  const seconds = (Date.parse(a.finishedAt) - Date.parse(a.startedAt)) / 1000;
  out.push(
    `${a.findings.length} findings (${severities.map((s) => `${count(s)} ${s}`).join(', ')}); ` +
      `${a.checks.length} checks (${['pass', 'fail', 'warn', 'error', 'skipped'].map((s) => `${statusCount(s)} ${s}`).join(', ')}) in ${seconds.toFixed(1)} s`,
  );
  return out.join('\n');
}
