// Static lint of a domain's SPF policy: walks the record and every include and redirect target,
// counting what RFC 7208 limits. check_host() follows the path of one client address; this walk
// follows every path, so it finds what a receiver would hit for any client.
import type { RecordType } from '../../net/resolver.js';
import type { DnsQuery } from './evaluate.js';
import { hasMacro, parseTerm, spfRecordsOf, syntaxError, termsOf, type SpfTerm } from './record.js';

/** RFC 7208 section 4.6.4: more is a permerror. */
export const MAX_DNS_LOOKUPS = 10;
export const MAX_VOID_LOOKUPS = 2;
const MAX_MX_NAMES = 10;
/** Section 3.4: keeps the answer within a 512-byte UDP DNS message. */
export const MAX_RECORD_BYTES = 450;
/** Bounds the walk, so a hostile fan-out of includes cannot make it explode. */
const MAX_RECORDS_WALKED = 100;
/** Mechanisms that query DNS; the redirect modifier does too (section 4.6.4). */
const LOOKUP_MECHANISMS = ['include', 'a', 'mx', 'ptr', 'exists'];

export type SpfIssueKind =
  | 'missing'
  | 'multiple-records'
  | 'syntax-error'
  | 'too-many-lookups'
  | 'too-many-void-lookups'
  | 'pass-all'
  | 'neutral-all'
  | 'no-all'
  | 'ptr-mechanism'
  | 'record-too-long'
  | 'dns-error';

export interface SpfIssue {
  kind: SpfIssueKind;
  /** The domain whose record has the problem. */
  domain: string;
  detail: string;
}

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  /** Every v=spf1 record of the name; more than one is a permerror. */
  records: string[];
  terms: SpfTerm[];
  /** DNS-querying terms of this record. */
  lookups: number;
  /** Of those, the ones whose query found nothing (NXDOMAIN or no data). */
  voidLookups: number;
  children: SpfNode[];
  error?: string;
}

export interface SpfLint {
  domain: string;
  /** The domain's SPF record, when it has exactly one. */
  record: string | null;
  tree: SpfNode;
  /** Totals over the tree: what a receiver counts, for a client that walks every path. */
  lookups: number;
  voidLookups: number;
  issues: SpfIssue[];
}

type Answer = { kind: 'data'; records: unknown[] } | { kind: 'void' } | { kind: 'error'; reason: string };

export async function lintSpf(query: DnsQuery, domain: string, signal?: AbortSignal): Promise<SpfLint> {
  const issues: SpfIssue[] = [];
  const raise = (kind: SpfIssueKind, at: string, detail: string) => issues.push({ kind, domain: at, detail });
  let walked = 0;

  const ask = async (name: string, type: RecordType): Promise<Answer> => {
    signal?.throwIfAborted();
    try {
      return { kind: 'data', records: await query(name, type) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return { kind: 'void' };
      return { kind: 'error', reason: `${type} ${name}: ${code ?? (err as Error).message}` };
    }
  };
  // An "a" term is void only when the name has no address of either family.
  const askAddresses = async (name: string): Promise<Answer> => {
    const answers = await Promise.all([ask(name, 'A'), ask(name, 'AAAA')]);
    return answers.find((a) => a.kind === 'data') ?? answers.find((a) => a.kind === 'error') ?? { kind: 'void' };
  };

  /** One record and, depth first, the records it names. Returns whether its TXT query was void. */
  const walk = async (name: string, via: SpfNode['via'], above: string[]): Promise<{ node: SpfNode; void: boolean }> => {
    const node: SpfNode = { domain: name, via, records: [], terms: [], lookups: 0, voidLookups: 0, children: [] };
    const stop = (kind: SpfIssueKind | null, error: string, isVoid = false) => {
      node.error = error;
      if (kind) raise(kind, name, error);
      return { node, void: isVoid };
    };
    if (++walked > MAX_RECORDS_WALKED) return stop(null, `not walked: more than ${MAX_RECORDS_WALKED} records in the tree`);
    const txt = await ask(name, 'TXT');
    if (txt.kind === 'error') return stop('dns-error', txt.reason);
    node.records = txt.kind === 'data' ? spfRecordsOf(txt.records as string[][]) : [];
    if (node.records.length === 0) {
      if (via === 'root') return stop('missing', 'no v=spf1 TXT record');
      // Sections 5.2 and 6.1: an include or redirect target without a record is a permerror.
      return stop('syntax-error', `${via} target ${name} has no SPF record, which is a permerror`, txt.kind === 'void');
    }
    if (node.records.length > 1) return stop('multiple-records', `${node.records.length} v=spf1 records`);
    const record = node.records[0];
    const bytes = Buffer.byteLength(record);
    if (bytes > MAX_RECORD_BYTES) raise('record-too-long', name, `the record is ${bytes} bytes`);
    const bad = syntaxError(record);
    if (bad) return stop('syntax-error', bad);

    node.terms = termsOf(record).map(parseTerm);
    // Section 6.1: redirect is ignored when the record has an "all".
    const followsRedirect = !node.terms.some((t) => t.name === 'all');
    const lineage = [...above, name];
    for (const term of node.terms) {
      const queries = term.modifier ? term.name === 'redirect' && followsRedirect : LOOKUP_MECHANISMS.includes(term.name);
      if (!queries) continue;
      node.lookups++;
      if (term.name === 'ptr') {
        raise('ptr-mechanism', name, `uses "${term.raw}"`);
        continue;
      }
      const target = (term.domainSpec ?? name).toLowerCase().replace(/\.$/, '');
      if (hasMacro(target)) continue; // depends on the client: counted, not followed
      if (term.name === 'include' || term.name === 'redirect') {
        if (lineage.includes(target)) {
          const loop = `${term.name} loop ${[...lineage, target].join(' -> ')}`;
          node.children.push({ domain: target, via: term.name, records: [], terms: [], lookups: 0, voidLookups: 0, children: [], error: loop });
          raise('too-many-lookups', name, `${loop}: evaluation goes round until it passes ${MAX_DNS_LOOKUPS} lookups`);
          continue;
        }
        const child = await walk(target, term.name, lineage);
        node.children.push(child.node);
        if (child.void) node.voidLookups++;
        continue;
      }
      const answer = term.name === 'a' ? await askAddresses(target) : await ask(target, term.name === 'mx' ? 'MX' : 'A');
      if (answer.kind === 'error') raise('dns-error', name, answer.reason);
      else if (answer.kind === 'void') node.voidLookups++;
      else if (term.name === 'mx' && answer.records.length > MAX_MX_NAMES) {
        raise('too-many-lookups', name, `"${term.raw}" names ${answer.records.length} MX hosts; more than ${MAX_MX_NAMES} is a permerror`);
      }
    }
    return { node, void: false };
  };

  const { node: tree } = await walk(domain.toLowerCase().replace(/\.$/, ''), 'root', []);
  const nodes = flatten(tree);
  const lookups = nodes.reduce((n, x) => n + x.lookups, 0);
  const voidLookups = nodes.reduce((n, x) => n + x.voidLookups, 0);
  if (lookups > MAX_DNS_LOOKUPS) {
    raise('too-many-lookups', tree.domain, `${lookups} DNS-querying terms across the record and the records it includes (limit ${MAX_DNS_LOOKUPS})`);
  }
  if (voidLookups > MAX_VOID_LOOKUPS) {
    raise('too-many-void-lookups', tree.domain, `${voidLookups} lookups find no record (limit ${MAX_VOID_LOOKUPS})`);
  }
  const all = finalAll(tree);
  if (all === null) raise('no-all', tree.domain, 'no "all" ends the record or a record it redirects to');
  else if (all?.qualifier === '+') raise('pass-all', tree.domain, `the record ends in "${all.raw}"`);
  else if (all?.qualifier === '?') raise('neutral-all', tree.domain, `the record ends in "${all.raw}"`);

  return { domain: tree.domain, record: tree.records.length === 1 ? tree.records[0] : null, tree, lookups, voidLookups, issues };
}

const flatten = (node: SpfNode): SpfNode[] => [node, ...node.children.flatMap(flatten)];

/** The "all" that ends evaluation, following redirects; null if none; undefined if unknown. */
function finalAll(node: SpfNode): SpfTerm | null | undefined {
  if (node.error) return undefined;
  const all = node.terms.find((t) => t.name === 'all');
  if (all) return all;
  if (!node.terms.some((t) => t.name === 'redirect')) return null;
  const next = node.children.find((c) => c.via === 'redirect');
  return next ? finalAll(next) : undefined;
}
