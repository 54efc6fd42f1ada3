// A DMARC policy record (RFC 7489 section 6.3). Every mistake is listed, where a receiver would
// stop at the first, so the owner can fix them all in one go.
import { parseTagList, type VersionTag } from '../tag-list.js';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcRecord {
  /** p=, null when absent or invalid. */
  policy: DmarcPolicy | null;
  /** sp=, or p= when sp is absent (the policy subdomains get); null when invalid. */
  subdomainPolicy: DmarcPolicy | null;
  /** Percentage of failing mail the policy applies to; null when invalid. */
  pct: number | null;
  /** Syntactically valid aggregate (rua) and failure (ruf) report URIs, as written. */
  rua: string[];
  ruf: string[];
  errors: string[];
}

// The value is case-sensitive (%x44.4d.41.52.43.31), white space around "=" is allowed.
export const DMARC_VERSION: VersionTag = {
  label: 'v=DMARC1',
  begins: /^v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)/,
  mentions: /(^|;)\s*v\s*=\s*DMARC1\s*(;|$)/i,
};

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'] satisfies DmarcPolicy[];

// Tag value syntax of section 6.4; unknown tags are ignored, as receivers must.
const SYNTAX: Record<string, RegExp> = {
  adkim: /^[rs]$/i,
  aspf: /^[rs]$/i,
  fo: /^[01ds](\s*:\s*[01ds])*$/i,
  rf: /^[a-z0-9-]+(\s*:\s*[a-z0-9-]+)*$/i,
  ri: /^\d{1,10}$/,
};

/** Parses a record that begins with v=DMARC1 (see selectRecord). */
export function parseDmarcRecord(text: string): DmarcRecord {
  const { tags, errors } = parseTagList(text);
  const value = (name: string) => tags.find((t) => t.name.toLowerCase() === name)?.value;
  const policyTag = (name: 'p' | 'sp'): DmarcPolicy | null => {
    const v = value(name)?.toLowerCase();
    if (v === undefined) return null;
    if (POLICIES.includes(v)) return v as DmarcPolicy;
    errors.push(`${name}=${value(name)} is not none, quarantine or reject`);
    return null;
  };

  const policy = policyTag('p');
  if (value('p') === undefined) errors.push('p= is missing (it is required)');
  const subdomainPolicy = value('sp') === undefined ? policy : policyTag('sp');
  for (const [name, syntax] of Object.entries(SYNTAX)) {
    const v = value(name);
    if (v !== undefined && !syntax.test(v)) errors.push(`${name}=${v} is not valid`);
  }
  const pctText = value('pct') ?? '100';
  const pct = /^\d{1,3}$/.test(pctText) && Number(pctText) <= 100 ? Number(pctText) : null;
  if (pct === null) errors.push(`pct=${pctText} is not an integer from 0 to 100`);
  const rua = reportUris('rua', value('rua'), errors);
  const ruf = reportUris('ruf', value('ruf'), errors);
  return { policy, subdomainPolicy, pct, rua, ruf, errors };
}

/** `uri[!size]` entries, comma-separated (section 6.4); the commonest mistake is a bare address. */
function reportUris(tag: string, value: string | undefined, errors: string[]): string[] {
  if (value === undefined) return [];
  const valid: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    const uri = entry.replace(/![0-9]+[kmgt]?$/i, '');
    if (/^[a-z][a-z0-9+.-]*:./i.test(uri) && URL.canParse(uri)) valid.push(entry);
    else errors.push(`${tag} entry "${entry}" is not a URI${uri.includes('@') && !uri.includes(':') ? ' (mailto: is missing)' : ''}`);
  }
  return valid;
}
