// TLSA records against the certificate chain a server sent (RFC 6698 section 2.1), the way an SMTP
// client must (RFC 7672 section 3.1): only DANE-TA(2) and DANE-EE(3) apply; PKIX-TA(0), PKIX-EE(1)
// and unknown selectors or matching types are "unusable" and never match.
import { createHash, type X509Certificate } from 'node:crypto';
import { formatTlsa, type TlsaRecord } from './tlsa-record.js';

export interface TlsaMatch extends TlsaRecord {
  /** Position of the matched certificate in the chain; 0 is the server's own. */
  certIndex: number;
  subject: string;
}

export interface TlsaVerdict {
  matched: TlsaMatch[];
  /** Why a DANE-TA record whose certificate was found still fails, for the report. */
  problems: string[];
}

export function isUsable(r: TlsaRecord): boolean {
  return (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && r.matchingType >= 0 && r.matchingType <= 2;
}

/** What a record of this selector and matching type holds for `cert`. */
export function associationData(cert: X509Certificate, selector: number, matchingType: number): Buffer {
  const selected = selector === 0 ? cert.raw : cert.publicKey.export({ type: 'spki', format: 'der' });
  if (matchingType === 0) return selected;
  return createHash(matchingType === 1 ? 'sha256' : 'sha512').update(selected).digest();
}

/**
 * `chain` is leaf first, each certificate followed by its issuer. DANE-EE matches the leaf and
 * nothing else is checked (RFC 7672 3.1.1: names and dates do not matter). DANE-TA matches a CA
 * certificate above the leaf; the chain must then be signed all the way down from it, and the leaf
 * must name the host (3.1.2), or anyone with a certificate from that CA could impersonate the MX.
 * Dates are left to the certificate checks.
 */
export function matchTlsa(records: TlsaRecord[], chain: X509Certificate[], host: string): TlsaVerdict {
  const verdict: TlsaVerdict = { matched: [], problems: [] };
  for (const r of records.filter(isUsable)) {
    const indexes = chain.flatMap((c, i) => ((r.usage === 3 ? i === 0 : i > 0 && c.ca) ? [i] : []));
    const found = indexes.filter((i) => associationData(chain[i], r.selector, r.matchingType).toString('hex') === r.data.toLowerCase());
    const good = found.find((i) => r.usage === 3 || taProblem(chain, i, host) === null);
    if (good !== undefined) verdict.matched.push({ ...r, certIndex: good, subject: subjectOf(chain[good]) });
    else if (found.length) verdict.problems.push(`TLSA ${formatTlsa(r)} matches ${subjectOf(chain[found[0]])}, but ${taProblem(chain, found[0], host)}`);
  }
  return verdict;
}

function taProblem(chain: X509Certificate[], ta: number, host: string): string | null {
  for (let i = 0; i < ta; i++) {
    if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) return `${subjectOf(chain[i])} is not signed by ${subjectOf(chain[i + 1])}`;
  }
  return chain[0].checkHost(host) === undefined ? `the server certificate does not name ${host}` : null;
}

/** `CN=mx.example.com, O=Example` from node's one-attribute-per-line form. */
export const subjectOf = (cert: X509Certificate) => cert.subject.split('\n').join(', ');
