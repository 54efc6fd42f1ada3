// TXT records of one name for the DMARC, MTA-STS and TLS-RPT checks. "Nothing published" and
// "could not ask" must stay apart: the first is a finding, the second leaves the check inconclusive.
import type { DnsResolver } from '../net/resolver.js';

const ABSENT = ['ENOTFOUND', 'ENODATA'];

/** Each record's strings joined without separator (RFC 7489 6.6.3, RFC 8461 3.1); [] when none. */
export async function txtRecords(resolver: DnsResolver, name: string): Promise<string[]> {
  try {
    return ((await resolver.query(name, 'TXT')) as string[][]).map((strings) => strings.join(''));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && ABSENT.includes(code)) return [];
    throw new Error(`TXT lookup of ${name} failed: ${code ?? (err as Error).message}`);
  }
}
