// Whether a certificate is valid for the names a sender would check, by node's own rules
// (RFC 6125: subjectAltName DNS entries, one-label wildcards, CN only without DNS entries).
import type { X509Certificate } from 'node:crypto';
import { checkServerIdentity } from 'node:tls';

/** The names the certificate does not cover. */
export function uncoveredNames(cert: X509Certificate, names: readonly string[]): string[] {
  const legacy = cert.toLegacyObject();
  return names.filter((name) => checkServerIdentity(name, legacy) !== undefined);
}
