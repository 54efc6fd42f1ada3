// The appendices: full transcripts (one per distinct transcript, findings point to it),
// certificate chains, DNSBL answers, the SPF include tree with its lookup counts, EHLO before
// and after STARTTLS, and the domain's other DNS facts. Everything bounded and made safe.
import type { Assessment, Finding, HostResult } from '../../shared/assessment.js';
import { certificateRows, placeOf } from './finding-view.js';
import { safeLine, safeValue } from './safe-text.js';

/** Lines of one transcript kept in the appendix (the engine keeps at most 4000). */
export const MAX_APPENDIX_LINES = 2000;
const MAX_SPF_NODES = 200;

export interface TranscriptAppendix {
  ref: string;
  title: string;
  lines: string[];
  /** Finding refs that cite it. */
  findings: string[];
}

export interface CertificateAppendix {
  host: string;
  chain: { position: string; rows: [string, string][] }[];
}

export interface DnsblAppendix {
  host: string;
  rows: string[][];
}

export interface SpfNodeLine {
  depth: number;
  domain: string;
  via: string;
  lookups: string;
  record: string;
  error: string | null;
}

export interface SpfAppendix {
  domain: string;
  lookups: string;
  voidLookups: string;
  nodes: SpfNodeLine[];
}

export interface EhloAppendix {
  host: string;
  banner: string | null;
  /** [extension, before TLS, after TLS] */
  rows: [string, string, string][];
  tlsNegotiated: boolean;
}

export interface Appendices {
  transcripts: TranscriptAppendix[];
  certificates: CertificateAppendix[];
  dnsbl: DnsblAppendix[];
  spf: SpfAppendix | null;
  ehlo: EhloAppendix[];
  dns: [string, string][];
}

/** Groups identical transcripts (a check's findings share one) and numbers them A-1, A-2... */
export function transcriptAppendices(sorted: Finding[], refOf: (i: number) => string): { appendices: TranscriptAppendix[]; refByFinding: (string | null)[] } {
  const byKey = new Map<string, TranscriptAppendix>();
  const refByFinding = sorted.map((f, i) => {
    const t = f.evidence.transcript;
    if (!t?.length) return null;
    const key = JSON.stringify([f.checkId, f.host, f.port, f.address ?? '', t.length, t[0], t[t.length - 1]]);
    let app = byKey.get(key);
    if (!app) {
      const kept = t.slice(0, MAX_APPENDIX_LINES).map((l) => safeLine(l));
      if (t.length > MAX_APPENDIX_LINES) kept.push(`[... ${t.length - MAX_APPENDIX_LINES} more lines: see the JSON assessment]`);
      app = { ref: `A-${byKey.size + 1}`, title: `Check ${safeLine(f.checkId, 80)} on ${placeOf(f)}`, lines: kept, findings: [] };
      byKey.set(key, app);
    }
    app.findings.push(refOf(i));
    return app.ref;
  });
  return { appendices: [...byKey.values()], refByFinding };
}

const hostLabel = (h: HostResult) => placeOf({ host: h.host, port: h.port, address: h.addresses[0] });

function certificates(hosts: HostResult[]): CertificateAppendix[] {
  return hosts
    .filter((h) => h.facts.tls?.chain?.length || h.facts.tls?.certificate)
    .map((h) => {
      const chain = h.facts.tls?.chain?.length ? h.facts.tls.chain : [h.facts.tls!.certificate];
      return {
        host: hostLabel(h),
        chain: chain.slice(0, 10).map((c, i) => ({ position: i === 0 ? 'Server certificate' : `Chain certificate ${i}`, rows: certificateRows(c) ?? [] })),
      };
    });
}

function dnsbl(hosts: HostResult[]): DnsblAppendix[] {
  return hosts
    .filter((h) => Array.isArray(h.facts.rbl) && h.facts.rbl.length)
    .map((h) => ({
      host: hostLabel(h),
      rows: h.facts.rbl!.slice(0, 200).map((r) => [safeLine(r.zone, 120), safeLine(r.address, 60), r.status, safeLine(r.codes.join(', '), 120), safeLine([r.meaning, r.txt].filter(Boolean).join(' - ') || '-', 300)]),
    }));
}

function spf(a: Assessment): SpfAppendix | null {
  const s = a.domainFacts.spf as { lookups?: number; voidLookups?: number; tree?: unknown } | undefined;
  if (!s?.tree) return null;
  const nodes: SpfNodeLine[] = [];
  const walk = (n: unknown, depth: number) => {
    if (!n || typeof n !== 'object' || nodes.length >= MAX_SPF_NODES || depth > 20) return;
    const node = n as { domain?: unknown; via?: unknown; records?: unknown; lookups?: unknown; voidLookups?: unknown; error?: unknown; children?: unknown };
    const records = Array.isArray(node.records) ? node.records : [];
    nodes.push({
      depth,
      domain: safeLine(node.domain, 200),
      via: safeLine(node.via, 20),
      lookups: `${safeLine(node.lookups, 10)}${node.voidLookups ? ` (${safeLine(node.voidLookups, 10)} void)` : ''}`,
      record: records.length ? records.map((r) => safeLine(r, 600)).join(' | ') : '(no SPF record)',
      error: node.error ? safeLine(node.error, 300) : null,
    });
    if (Array.isArray(node.children)) for (const c of node.children) walk(c, depth + 1);
  };
  walk(s.tree, 0);
  return { domain: safeLine(a.target.domain ?? '', 200), lookups: `${safeLine(s.lookups, 10)} of 10`, voidLookups: `${safeLine(s.voidLookups, 10)} of 2`, nodes };
}

function ehlo(hosts: HostResult[]): EhloAppendix[] {
  return hosts
    .filter((h) => h.facts.ehlo)
    .map((h) => {
      const before = h.facts.ehlo?.extensions ?? [];
      const after = h.facts.ehloAfterTls?.extensions ?? null;
      const keyword = (line: string) => line.split(' ')[0].toUpperCase();
      const keys = [...new Set([...before, ...(after ?? [])].map(keyword))].slice(0, 300);
      const find = (list: string[] | null, k: string) => (list === null ? 'not negotiated' : (list.find((l) => keyword(l) === k) ?? '-'));
      return {
        host: hostLabel(h),
        banner: typeof h.facts.banner === 'string' ? safeLine(h.facts.banner) : null,
        tlsNegotiated: after !== null,
        rows: keys.map((k) => [safeLine(k, 80), safeLine(find(before, k), 200), safeLine(find(after, k), 200)] as [string, string, string]),
      };
    });
}

/** The domain's DNS facts (MX, SPF record, DMARC, MTA-STS, TLS-RPT), the SPF tree excepted. */
function dns(a: Assessment): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(a.domainFacts)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value)) if (!(key === 'spf' && sub === 'tree')) rows.push([safeLine(`${key}.${sub}`, 80), safeValue(v, 600)]);
    } else rows.push([safeLine(key, 80), safeValue(value, 600)]);
  }
  return rows.slice(0, 300);
}

export function buildAppendices(a: Assessment, transcripts: TranscriptAppendix[]): Appendices {
  return { transcripts, certificates: certificates(a.hosts), dnsbl: dnsbl(a.hosts), spf: spf(a), ehlo: ehlo(a.hosts), dns: dns(a) };
}
