// The TLS-RPT record at _smtp._tls.<domain> (RFC 8460 section 3): where senders report failures to
// establish TLS with the domain's MX hosts, the feedback loop MTA-STS and DANE rely on.
import { parseTagList, type VersionTag } from '../tag-list.js';

// RFC 8460 uses case-sensitive literals (%s"v=TLSRPTv1", %s"rua=").
export const TLSRPT_VERSION: VersionTag = {
  label: 'v=TLSRPTv1',
  begins: /^v=TLSRPTv1[ \t]*(;|$)/,
  mentions: /(^|;)\s*v\s*=\s*TLSRPTv1\s*(;|$)/i,
};

/** Parses a record that begins with v=TLSRPTv1 (see selectRecord); rua holds the valid URIs. */
export function parseTlsRptRecord(text: string): { rua: string[]; errors: string[] } {
  const { tags, errors } = parseTagList(text);
  const value = tags.find((t) => t.name === 'rua')?.value;
  if (value === undefined) {
    errors.push('rua= is missing (it is required)');
    return { rua: [], errors };
  }
  const rua: string[] = [];
  for (const uri of value.split(',').map((u) => u.trim())) {
    if (isReportUri(uri)) rua.push(uri);
    else errors.push(`rua entry "${uri}" is not a mailto: or https: URI`);
  }
  return { rua, errors };
}

// Section 3: reports go by mail or by HTTPS POST, nothing else.
function isReportUri(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  if (url.protocol === 'mailto:') return /^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(url.pathname));
  return url.protocol === 'https:' && url.hostname !== '';
}
