// One finding as the reports show it: safe strings only, evidence split into a timestamped
// transcript excerpt (the whole transcript goes to an appendix), certificate details and the
// remaining evidence (DNS answers, replies) as label/value rows.
import type { Finding, Severity } from '../../shared/assessment.js';
import { safeBlock, safeLine, safeValue } from './safe-text.js';

/** Transcript lines shown under a finding; the rest is in the appendix. */
export const EXCERPT_LINES = 8;
const DETAIL_CHARS = 240;
const MAX_DETAILS = 6;

export interface FindingView {
  /** Reference in the document: F-01, F-02... */
  ref: string;
  /** Anchor/id for links and bookmarks. */
  anchor: string;
  id: string;
  title: string;
  severity: Severity;
  place: string;
  checkId: string;
  description: string;
  remediation: string;
  references: string[];
  excerpt: string[];
  /** "14 of 186 lines; the full transcript is appendix A-2", when trimmed. */
  excerptNote: string | null;
  transcriptRef: string | null;
  certificate: [string, string][] | null;
  details: [string, string][];
}

/** Domain-level results have port 0; host results name the address when it differs. */
export function placeOf(x: { host: string; port: number; address?: string }): string {
  return safeLine(x.port === 0 ? x.host : `${x.host}:${x.port}${x.address && x.address !== x.host ? ` (${x.address})` : ''}`, 200);
}

export function certificateRows(cert: unknown): [string, string][] | null {
  if (!cert || typeof cert !== 'object') return null;
  const c = cert as Record<string, unknown>;
  const rows: [string, unknown][] = [
    ['Subject', c.subject],
    ['Issuer', c.issuer],
    ['Names (SAN)', Array.isArray(c.sans) ? c.sans.join(', ') : c.sans],
    ['Valid from', c.notBefore],
    ['Valid until', c.notAfter],
    ['Key', `${c.keyType ?? '?'}${c.keyBits ? ` ${c.keyBits} bits` : ''}`],
    ['Signature', c.signatureAlgorithm],
    ['SHA-256', c.sha256],
    ['Self-signed', c.selfSigned === undefined ? undefined : c.selfSigned ? 'yes' : 'no'],
  ];
  return rows.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, safeValue(v, DETAIL_CHARS)]);
}

export function findingView(f: Finding, index: number, width: number, transcriptRef: string | null): FindingView {
  const transcript = f.evidence.transcript ?? [];
  const excerpt = transcript.slice(0, EXCERPT_LINES).map((l) => safeLine(l));
  const trimmed = transcript.length > EXCERPT_LINES;
  const { transcript: _t, certificate, chain: _chain, ...rest } = f.evidence as Record<string, unknown>;
  return {
    ref: `F-${String(index + 1).padStart(width, '0')}`,
    anchor: `finding-${index + 1}`,
    id: safeLine(f.id, 80),
    title: safeLine(f.title),
    severity: f.severity,
    place: placeOf(f),
    checkId: safeLine(f.checkId, 80),
    description: safeBlock(f.description),
    remediation: safeBlock(f.remediation),
    references: f.references.map((r) => safeLine(r, 300)),
    excerpt,
    excerptNote: trimmed ? `${EXCERPT_LINES} of ${transcript.length} lines shown; the full transcript is appendix ${transcriptRef}.` : null,
    transcriptRef: transcript.length ? transcriptRef : null,
    certificate: certificateRows(certificate),
    details: Object.entries(rest)
      .slice(0, MAX_DETAILS)
      .map(([k, v]) => [safeLine(k, 80), safeValue(v, DETAIL_CHARS)]),
  };
}
