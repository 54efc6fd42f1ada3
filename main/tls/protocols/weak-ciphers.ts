// Weak cipher families a mail server should refuse: how to offer each through OpenSSL, and how
// to recognise the suite a server picked. Stock OpenSSL 3 builds (node's bundled one and the
// distributions') compile out RC4, DES and 3DES suites (no-weak-ssl-ciphers) and dropped EXPORT
// in 1.1.0, so usually only NULL can be offered: the others are reported as not testable here.
import tls from 'node:tls';

export const weakFamilies = ['RC4', '3DES', 'DES', 'EXPORT', 'NULL'] as const;
export type WeakFamily = (typeof weakFamilies)[number];

/** 'not-tested': offered, but the server picked another weak family (one handshake, one answer). */
export type FamilyStatus = 'accepted' | 'refused' | 'not-tested' | 'not-testable-locally';

/** OpenSSL cipher strings. eNULL, not NULL: anonymous (aNULL) suites are another problem. */
const cipherStrings: Record<WeakFamily, string> = { RC4: 'RC4', '3DES': '3DES', DES: 'DES', EXPORT: 'EXPORT', NULL: 'eNULL' };

/**
 * IANA names (TLS_RSA_WITH_3DES_EDE_CBC_SHA) and OpenSSL names (DES-CBC3-SHA). First match wins:
 * EXPORT before RC4 (EXP-RC4-MD5 is export grade), 3DES before DES.
 */
const patterns: readonly [WeakFamily, RegExp][] = [
  ['EXPORT', /EXPORT|^EXP-/],
  ['RC4', /RC4/],
  ['3DES', /3DES|DES-CBC3/],
  ['DES', /DES/],
  ['NULL', /WITH_NULL_|(^|-)NULL-/],
];

export function familyOf(cipher: string): WeakFamily | null {
  return patterns.find(([, re]) => re.test(cipher))?.[0] ?? null;
}

/** Whether this process's OpenSSL can offer the family at all, at the security level the client uses. */
export function locallyOfferable(family: WeakFamily): boolean {
  try {
    tls.createSecureContext({ ciphers: `${cipherStrings[family]}:@SECLEVEL=0` });
    return true;
  } catch {
    return false; // "no cipher match": compiled out or its provider is not loaded
  }
}

/** One cipher list offering only these families. */
export function cipherList(families: readonly WeakFamily[]): string {
  return families.map((f) => cipherStrings[f]).join(':');
}
