// The chain a server presented and whether it leads to a trust anchor. Trust is computed here,
// not taken from node's authorizationError: that reports a single error, so an expired
// certificate from an unknown CA would look merely "expired". Dates play no part here.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';
import { isSelfSigned, oneLine } from './certificate.js';

/** Longer chains are cut: nothing legitimate comes close, and a hostile server may loop. */
const MAX_CHAIN = 10;

/**
 * Leaf first, then each issuer as node links them: the certificates the server sent, plus the
 * trust anchor node found in its store for the last one (node completes the chain that way).
 */
export function presentedChain(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c?.raw && chain.length < MAX_CHAIN; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break; // a root is its own issuer
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
  }
  return chain;
}

export interface ChainVerdict {
  /** Every link verifies, up to a trust anchor. */
  trusted: boolean;
  /**
   * The chain ends on an end-entity certificate (not a CA) whose issuer was not sent and is not
   * an anchor: the intermediate is missing (or, which we cannot tell apart, the leaf was issued
   * straight from a root we do not know). A chain ending on a CA certificate of unknown issuer
   * is judged untrusted, not incomplete: servers rightly leave out the root, so that is what a
   * private CA looks like.
   */
  incomplete: boolean;
  /** Issuer name the chain stops at, when incomplete. */
  missingIssuer: string | null;
  /** Subject of the anchor reached, when trusted. */
  anchor: string | null;
}

export function verifyChain(chain: readonly X509Certificate[], anchors: readonly X509Certificate[]): ChainVerdict {
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint256));
  const verdict = (v: Partial<ChainVerdict>): ChainVerdict => ({ trusted: false, incomplete: false, missingIssuer: null, anchor: null, ...v });
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    if (anchorPrints.has(cert.fingerprint256)) return verdict({ trusted: true, anchor: oneLine(cert.subject) });
    const next = chain[i + 1];
    if (next) {
      if (!issuedBy(cert, next)) return verdict({}); // a link that does not verify: broken or forged
      continue;
    }
    const anchor = anchors.find((a) => issuedBy(cert, a));
    if (anchor) return verdict({ trusted: true, anchor: oneLine(anchor.subject) });
    if (cert.ca || isSelfSigned(cert)) return verdict({});
    return verdict({ incomplete: true, missingIssuer: oneLine(cert.issuer) });
  }
  return verdict({});
}

/** Names and key identifiers match (X509_check_issued) and the issuer's key verifies the signature. */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}
