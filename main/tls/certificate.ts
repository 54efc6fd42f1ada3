// What one certificate says about itself, as facts for the assessment. Pure: node's
// X509Certificate in, plain data out. Certificate fields are server data: stored, never parsed
// for decisions (hostname matching is left to node's checkServerIdentity).
import type { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { CertificateFactsSchema } from '../../shared/assessment.js';
import { signatureAlgorithm } from './signature-algorithm.js';
import { DerError } from './der.js';

export type CertificateFacts = z.infer<typeof CertificateFactsSchema>;

export function describeCertificate(cert: X509Certificate): CertificateFacts {
  const { keyType, keyBits } = keyOf(cert);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    sans: subjectAltNames(cert),
    notBefore: validity(cert).notBefore.toISOString(),
    notAfter: validity(cert).notAfter.toISOString(),
    keyType,
    keyBits,
    signatureAlgorithm: signatureName(cert),
    sha256: cert.fingerprint256,
    selfSigned: isSelfSigned(cert),
  };
}

/** node gives one attribute per line ("O=x\nCN=y"). */
export const oneLine = (name: string) => name.split('\n').join(', ');

export function validity(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/**
 * Entries as node prints them ("DNS:mx.example.com", "IP Address:192.0.2.1"). node quotes an
 * entry holding a comma or quote as a JSON string, so split only on separators outside quotes.
 */
export function subjectAltNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  return [...text.matchAll(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g)].map((m) => m[0].trim()).filter(Boolean);
}

/** Key algorithm and size. Ed25519/Ed448 keys have a fixed size, reported as the key length. */
export function keyOf(cert: X509Certificate): { keyType: string; keyBits: number | null } {
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const legacyBits = cert.toLegacyObject().bits;
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa':
      return { keyType: type.toUpperCase(), keyBits: key.asymmetricKeyDetails?.modulusLength ?? null };
    case 'ec':
      return { keyType: 'EC', keyBits: typeof legacyBits === 'number' ? legacyBits : null };
    case 'ed25519':
      return { keyType: 'Ed25519', keyBits: 256 };
    case 'ed448':
      return { keyType: 'Ed448', keyBits: 456 };
    default:
      return { keyType: type, keyBits: null };
  }
}

function signatureName(cert: X509Certificate): string {
  try {
    return signatureAlgorithm(cert.raw).name;
  } catch (err) {
    // node parsed the certificate, so this cannot happen short of a bug in our reader: say so in the facts.
    if (err instanceof DerError) return `unreadable (${err.message})`;
    throw err;
  }
}

/** Issued by itself: same name and its own key verifies the signature. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}
