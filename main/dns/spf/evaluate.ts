// check_host() of RFC 7208, by mailauth's SPF engine in strict mode (which passes the RFC 7208
// test suite), over our resolver so every question goes to the servers the user chose.
// Only mailauth/lib/spf is imported: the rest of mailauth 7 needs node 22.
import type { DnsResolver, RecordType } from '../../net/resolver.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** dns.promises-style answers, node error codes (ENOTFOUND, ENODATA...); tests pass an in-memory one. */
export type DnsQuery = DnsResolver['query'];

export interface CheckHostInput {
  /** Client address. */
  ip: string;
  /** MAIL FROM address; empty for the null sender, which checks the HELO identity. */
  sender: string;
  helo: string;
}

export interface SpfEvaluation {
  result: SpfResult;
  /** The receiver's reason, e.g. "permanent error in processing ...: Too many DNS requests". */
  comment: string | null;
  /** The domain's exp= text, only for a fail (third-party text: escape before display). */
  explanation: string | null;
  /** The record of the checked domain, when one was selected. */
  record: string | null;
  lookups: { count: number; void: number };
}

const SPF_QUERY_TYPES: readonly string[] = ['A', 'AAAA', 'MX', 'TXT', 'PTR'] satisfies RecordType[];

export async function checkHost(query: DnsQuery, input: CheckHostInput): Promise<SpfEvaluation> {
  // Loaded on first use (~80 ms): a probe that evaluates no SPF should not pay for it at start-up.
  const { spf } = await import('mailauth/lib/spf/index.js');
  const res = await spf({
    ip: input.ip,
    sender: input.sender,
    helo: input.helo,
    // Appears in the comment; the default (os.hostname()) would leak the tester's host name.
    mta: 'mxaudit',
    strict: true,
    resolver: async (name, type) => {
      if (!SPF_QUERY_TYPES.includes(type)) throw Object.assign(new Error(`unsupported query type ${type}`), { code: 'ENOTIMP' });
      // mailauth's declared type says strings; it reads MX answers as {exchange, priority} objects.
      return (await query(name, type as RecordType)) as string[];
    },
  });
  const result = res.status.result;
  if (!isSpfResult(result)) throw new Error(`mailauth returned an unexpected SPF result "${result}"`);
  return {
    result,
    comment: res.status.comment ?? null,
    explanation: res.explanation ?? null,
    record: res.rr ?? null,
    lookups: { count: res.lookups?.count ?? 0, void: res.lookups?.void ?? 0 },
  };
}

const RESULTS: readonly string[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'] satisfies SpfResult[];
const isSpfResult = (r: string): r is SpfResult => RESULTS.includes(r);
