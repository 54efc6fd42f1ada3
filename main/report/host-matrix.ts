// Multi-MX domains: one column per probed host, one row per security-relevant fact and per
// finding, so the weaker host stands out.
import type { Assessment, Finding, HostFacts, HostResult } from '../../shared/assessment.js';
import { placeOf } from './finding-view.js';
import { safeLine } from './safe-text.js';

export interface HostMatrix {
  columns: string[];
  rows: { label: string; cells: string[] }[];
}

const yesNo = (b: boolean | null | undefined) => (b === true ? 'yes' : b === false ? 'no' : '-');

const FACTS: [string, (f: HostFacts) => string][] = [
  ['STARTTLS offered', (f) => yesNo(f.ehlo?.starttls)],
  ['TLS protocol', (f) => f.tls?.protocol ?? '-'],
  ['Certificate trusted', (f) => yesNo(f.tls?.trusted)],
  ['AUTH before TLS', (f) => (f.ehlo ? f.ehlo.auth.join(' ') || 'none' : '-')],
  ['Open relay', (f) => yesNo(f.relay?.open)],
  ['Accepts unknown recipients', (f) => yesNo(f.recipients?.acceptAll)],
  ['VRFY reply', (f) => f.recipients?.vrfy?.slice(0, 3) ?? '-'],
  ['SIZE limit', (f) => (f.ehlo ? String(f.ehlo.size ?? 'none') : '-')],
  ['Size enforced', (f) => yesNo(f.size?.enforced)],
  ['Harvest slowed down', (f) => yesNo(f.harvest?.defence.delayed)],
  ['Block list listings', (f) => (f.rbl ? String(f.rbl.filter((r) => r.status === 'listed').length) : '-')],
];

const onHost = (f: Finding, h: HostResult) => f.host === h.host && f.port === h.port && (!f.address || h.addresses.length === 0 || h.addresses.includes(f.address));

export function hostMatrix(a: Assessment): HostMatrix | null {
  const hosts = a.hosts.slice(0, 12);
  if (hosts.length < 2) return null;
  const rows = FACTS.map(([label, read]) => ({ label, cells: hosts.map((h) => safeLine(read(h.facts), 60)) })).filter((r) => r.cells.some((c) => c !== '-'));
  const hostFindings = a.findings.filter((f) => f.port !== 0);
  const ids = [...new Set(hostFindings.map((f) => f.id))].sort();
  for (const id of ids) {
    rows.push({ label: safeLine(id, 80), cells: hosts.map((h) => hostFindings.find((f) => f.id === id && onHost(f, h))?.severity ?? '-') });
  }
  return { columns: hosts.map((h) => placeOf({ host: h.host, port: h.port, address: h.addresses[0] })), rows };
}
