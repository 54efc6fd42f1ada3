// Which TLS versions and weak cipher families the server accepts, each from its own bounded
// handshake. Mail servers rate-limit testers, so connections are few (one per version, at most
// one for the weak families), sequential and counted in the facts; once the server stops talking
// to us (421, connection refused) no further connection is made and the check is inconclusive.
import type tls from 'node:tls';
import type { TlsClientOptions } from '../../net/smtp-client.js';
import { attemptHandshake, type HandshakeAttempt } from '../../tls/protocols/attempt-handshake.js';
import { cipherList, familyOf, locallyOfferable, weakFamilies, type FamilyStatus, type WeakFamily } from '../../tls/protocols/weak-ciphers.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';

type O = 'tls.legacy-protocol' | 'tls.no-tls13' | 'tls.weak-cipher';

/** Newest first: the handshakes real senders make are learned even if the server stops us early. */
const VERSIONS: readonly tls.SecureVersion[] = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1'];
const LEGACY: readonly tls.SecureVersion[] = ['TLSv1', 'TLSv1.1'];
/** Weak suites exist only up to TLS 1.2: a server refusing all of those is not asked. */
const WEAK_RANGE: TlsClientOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.2' };

export default defineCheck<O>({
  id: 'tls-protocols',
  title: 'TLS protocol versions and weak cipher families accepted',
  category: 'tls',
  active: false,
  // Typically well under a second; five sessions behind a slow greeting (postscreen, tarpits) take longer.
  timeoutMs: 90_000,
  references: ['RFC 8996', 'RFC 8446', 'RFC 7525', 'RFC 3207'],
  outcomes: {
    'tls.legacy-protocol': {
      severity: 'medium',
      title: 'Legacy TLS versions accepted',
      description:
        'The server completes handshakes with TLS 1.0 or 1.1, deprecated by RFC 8996: they rely on SHA-1 and MD5 and CBC constructions with known attacks, and let a man in the middle downgrade clients that still allow them.',
      remediation:
        'Accept TLS 1.2 and later only (Postfix: smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2; Exchange: disable TLS 1.0/1.1 in SCHANNEL).',
    },
    'tls.no-tls13': {
      severity: 'info',
      title: 'TLS 1.3 not supported',
      description: 'The server refused a TLS 1.3 handshake. TLS 1.3 removes legacy algorithms, always has forward secrecy and encrypts more of the handshake.',
      remediation: 'Upgrade the TLS library (OpenSSL 1.1.1 or later) and allow TLS 1.3 (Postfix: do not exclude TLSv1.3 in smtpd_tls_protocols).',
    },
    'tls.weak-cipher': {
      severity: 'medium',
      title: 'Weak cipher suite accepted',
      description:
        'The server completed a handshake offering only weak cipher suites (RC4, 3DES, single DES, EXPORT or NULL): such a session can be decrypted, or is not encrypted at all.',
      remediation:
        'Exclude weak suites (Postfix: smtpd_tls_ciphers = medium or high without @SECLEVEL=0, smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5).',
    },
  },
  async run(ctx) {
    const protocols: Record<tls.SecureVersion, boolean | null> = { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null };
    const testable = weakFamilies.filter(locallyOfferable);
    const families = Object.fromEntries(weakFamilies.map((f) => [f, testable.includes(f) ? 'not-tested' : 'not-testable-locally'])) as Record<WeakFamily, FamilyStatus>;
    let connections = 0;
    const attempt = (what: string, tls: TlsClientOptions): Promise<HandshakeAttempt> => {
      connections++;
      ctx.progress(`connection ${connections}: ${what}`);
      return attemptHandshake(() => ctx.connect({ tls }), ctx.options.helo);
    };
    /** Accepted weak suites; absent until the weak families were asked about. */
    let weakCiphers: string[] | undefined;
    const facts = () => ({ tls: { protocols, ...(weakCiphers && { weakCiphers }), weakCipherFamilies: families, protocolConnections: connections } });

    let stopped: string | null = null;
    for (const version of VERSIONS) {
      const a = await attempt(`${version} only`, { minVersion: version, maxVersion: version });
      if (a.result === 'no-starttls' && connections === 1) return { notApplicable: 'STARTTLS not offered', facts: facts() };
      stopped = stopReason(a);
      if (stopped) break;
      protocols[version] = a.result === 'accepted' && a.protocol === version;
    }

    if (!stopped && testable.length) {
      const noneUpToTls12 = VERSIONS.every((v) => v === 'TLSv1.3' || protocols[v] === false);
      const a: HandshakeAttempt = noneUpToTls12
        ? { result: 'refused', reason: 'no version that has weak suites is accepted' }
        : await attempt(`weak suites only (${testable.join(', ')})`, { ...WEAK_RANGE, ciphers: cipherList(testable) });
      stopped = stopReason(a);
      if (a.result === 'accepted') {
        weakCiphers = [a.cipher ?? 'unknown'];
        const family = familyOf(a.cipher ?? '');
        if (family) families[family] = 'accepted';
      } else if (a.result === 'refused') {
        weakCiphers = [];
        for (const f of testable) families[f] = 'refused';
      }
    }

    const findings: RaisedFinding<O>[] = [];
    const evidence = () => ({ transcript: ctx.transcript.lines(), protocols, weakCipherFamilies: families });
    const legacy = LEGACY.filter((v) => protocols[v]);
    if (legacy.length) findings.push({ outcome: 'tls.legacy-protocol', detail: `Accepted: ${legacy.join(', ')}.`, evidence: evidence() });
    if (protocols['TLSv1.3'] === false) findings.push({ outcome: 'tls.no-tls13', evidence: evidence() });
    if (weakCiphers?.length) findings.push({ outcome: 'tls.weak-cipher', detail: `Negotiated ${weakCiphers.join(', ')} when offered only weak suites.`, evidence: evidence() });
    return {
      findings,
      facts: facts(),
      inconclusive: stopped ? `the server stopped us after ${connections} connection(s): ${stopped}` : undefined,
    };
  },
});

/** Why the server stopped talking to us, or null when the attempt answered its question. */
function stopReason(a: HandshakeAttempt): string | null {
  if (a.result === 'stopped') return a.reason;
  return a.result === 'no-starttls' ? 'STARTTLS no longer offered' : null;
}
