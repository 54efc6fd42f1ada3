// The signature algorithm of a certificate, read from its DER: node 20's X509Certificate does
// not expose it, and SHA-1 or MD5 signatures are what the weak-signature finding is about.
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue }
//   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
import { TAG, children, decodeOid, expectTag, readTlv, type Tlv } from './der.js';

export interface SignatureAlgorithm {
  oid: string;
  /** OpenSSL's name (sha256WithRSAEncryption, ecdsa-with-SHA256...), or the OID when unknown. */
  name: string;
  /** Digest used, lower case (sha1, sha256...); null when the scheme has none of its own (Ed25519) or is unknown. */
  hash: string | null;
}

const RSASSA_PSS = '1.2.840.113549.1.1.10';

const KNOWN: Record<string, { name: string; hash: string | null }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  '1.3.101.112': { name: 'ED25519', hash: null },
  '1.3.101.113': { name: 'ED448', hash: null },
};

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

/** Digests too weak for a certificate signature: collisions can be computed. */
export const WEAK_HASHES: readonly string[] = ['md2', 'md5', 'sha1'];

/** Throws DerError when the DER is not a certificate. */
export function signatureAlgorithm(der: Uint8Array): SignatureAlgorithm {
  const certificate = expectTag(readTlv(der, 0), TAG.sequence, 'Certificate SEQUENCE');
  const [tbs, algorithm] = children(der, certificate);
  expectTag(tbs, TAG.sequence, 'tbsCertificate SEQUENCE');
  const [oidTlv, params] = children(der, expectTag(algorithm, TAG.sequence, 'AlgorithmIdentifier SEQUENCE'));
  const oid = decodeOid(der, expectTag(oidTlv, TAG.oid, 'algorithm OID'));
  if (oid === RSASSA_PSS) {
    const hash = pssHash(der, params);
    return { oid, name: `RSASSA-PSS (${hash ?? 'unknown digest'})`, hash };
  }
  return { oid, ...(KNOWN[oid] ?? { name: oid, hash: null }) };
}

/**
 * RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ... }
 * (RFC 4055 section 3.1): an absent [0] means SHA-1.
 */
function pssHash(der: Uint8Array, params: Tlv | undefined): string | null {
  if (!params || params.tag !== TAG.sequence) return 'sha1';
  const explicit = children(der, params).find((c) => c.tag === TAG.contextZero);
  if (!explicit) return 'sha1';
  const [hashAlg] = children(der, explicit);
  const [hashOid] = children(der, expectTag(hashAlg, TAG.sequence, 'hash AlgorithmIdentifier'));
  return DIGESTS[decodeOid(der, expectTag(hashOid, TAG.oid, 'hash OID'))] ?? null;
}
