// The trust anchors a verifying sender would use: node's root store (the one the handshake
// uses too) plus the certificates of the user's --ca.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

let systemRoots: X509Certificate[] | undefined;

export function trustAnchors(caPem: string | null): X509Certificate[] {
  systemRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  return caPem ? [...systemRoots, ...pemCertificates(caPem)] : systemRoots;
}

/** Every certificate in a PEM bundle; other blocks (keys, CRLs) are ignored. */
export function pemCertificates(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
}
