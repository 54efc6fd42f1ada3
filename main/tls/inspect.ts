// Everything the TLS checks judge about a presented chain, computed in one pass. Each property
// is independent of the others: an expired certificate from an unknown CA is both.
import type { X509Certificate } from 'node:crypto';
import { describeCertificate, validity, type CertificateFacts } from './certificate.js';
import { verifyChain, type ChainVerdict } from './chain.js';
import { uncoveredNames } from './hostname.js';
import { WEAK_HASHES, signatureAlgorithm } from './signature-algorithm.js';
import { DerError } from './der.js';

const DAY_MS = 86_400_000;

/** Smallest key size still considered adequate, per key type (NIST SP 800-57: 112-bit security). */
const MIN_KEY_BITS: Record<string, number> = { RSA: 2048, 'RSA-PSS': 2048, DSA: 2048, EC: 256 };

export interface InspectInput {
  /** Leaf first (presentedChain). Must not be empty. */
  chain: readonly X509Certificate[];
  anchors: readonly X509Certificate[];
  /** Names the certificate must cover; none means the name is not checked. */
  names: readonly string[];
  now: Date;
}

export interface Inspection {
  certificate: CertificateFacts;
  chain: CertificateFacts[];
  verdict: ChainVerdict;
  /** Names asked for that the leaf does not cover. */
  uncovered: string[];
  expired: CertificateFacts[];
  notYetValid: CertificateFacts[];
  /** The certificate of the chain that expires first, when none has expired or is not yet valid. */
  expiring: { certificate: CertificateFacts; days: number } | null;
  weakKeys: CertificateFacts[];
  /** Certificates signed with MD5/SHA-1 (a self-signed root's own signature is never checked by anyone). */
  weakSignatures: CertificateFacts[];
}

export function inspectChain({ chain, anchors, names, now }: InspectInput): Inspection {
  const facts = chain.map(describeCertificate);
  const at = now.getTime();
  const dates = chain.map(validity);
  const expired = facts.filter((_, i) => dates[i].notAfter.getTime() < at);
  const notYetValid = facts.filter((_, i) => dates[i].notBefore.getTime() > at);
  let expiring: Inspection['expiring'] = null;
  if (!expired.length && !notYetValid.length) {
    const first = dates.reduce((min, d, i) => (d.notAfter < dates[min].notAfter ? i : min), 0);
    expiring = { certificate: facts[first], days: Math.floor((dates[first].notAfter.getTime() - at) / DAY_MS) };
  }
  return {
    certificate: facts[0],
    chain: facts,
    verdict: verifyChain(chain, anchors),
    uncovered: uncoveredNames(chain[0], names),
    expired,
    notYetValid,
    expiring,
    weakKeys: facts.filter((f) => f.keyBits !== null && f.keyBits < (MIN_KEY_BITS[f.keyType] ?? 0)),
    weakSignatures: facts.filter((f, i) => !f.selfSigned && weakHash(chain[i])),
  };
}

function weakHash(cert: X509Certificate): boolean {
  try {
    return WEAK_HASHES.includes(signatureAlgorithm(cert.raw).hash ?? '');
  } catch (err) {
    if (err instanceof DerError) return false; // describeCertificate already records it as unreadable
    throw err;
  }
}
