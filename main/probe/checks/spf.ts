// The mail domain's SPF policy: a static walk of the record tree for what RFC 7208 limits, and
// check_host() for an address outside the domain's networks, as a receiver would evaluate it.
import { checkHost, type SpfResult } from '../../dns/spf/evaluate.js';
import { lintSpf, MAX_DNS_LOOKUPS, MAX_RECORD_BYTES, MAX_VOID_LOOKUPS, type SpfIssueKind, type SpfNode } from '../../dns/spf/lint.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';

/** TEST-NET-1 (RFC 5737): never one of the domain's senders. */
export const DEFAULT_SPF_TEST_IP = '192.0.2.1';

/** assessment.domainFacts.spf */
export interface SpfFacts {
  /** The domain's record, when it has exactly one (strings joined); all of them are in tree.records. */
  record: string | null;
  /** DNS-querying terms and void lookups over the whole include/redirect tree. */
  lookups: number;
  voidLookups: number;
  tree: SpfNode;
  /** What makes receivers return permerror or temperror. */
  errors: string[];
  /** check_host() for testIp, an address outside the domain's networks. */
  resultForOutsideIp: SpfResult;
  testIp: string;
}

type O =
  | 'spf.missing'
  | 'spf.multiple-records'
  | 'spf.syntax-error'
  | 'spf.too-many-lookups'
  | 'spf.too-many-void-lookups'
  | 'spf.pass-all'
  | 'spf.neutral-all'
  | 'spf.no-all'
  | 'spf.ptr-mechanism'
  | 'spf.record-too-long';

/** Problems that make receivers get permerror or temperror instead of a verdict. */
const ERROR_KINDS: SpfIssueKind[] = ['multiple-records', 'syntax-error', 'too-many-lookups', 'too-many-void-lookups', 'dns-error'];

export default defineCheck<O>({
  id: 'spf',
  title: 'SPF record of the mail domain',
  category: 'dns',
  scope: 'domain',
  active: false,
  timeoutMs: 30_000,
  references: ['RFC 7208'],
  outcomes: {
    'spf.missing': {
      severity: 'medium',
      title: 'No SPF record',
      description:
        'The domain publishes no v=spf1 record, so receivers cannot tell its servers from forgers: anyone can use the domain as envelope sender, and DMARC can only rely on DKIM.',
      remediation: 'Publish a TXT record listing the servers that send for the domain and ending in -all, e.g. "v=spf1 mx -all"; for a domain that sends no mail, "v=spf1 -all".',
      references: ['RFC 7208 section 4.5'],
    },
    'spf.multiple-records': {
      severity: 'high',
      title: 'More than one SPF record',
      description: 'A name with more than one v=spf1 record is a permerror: receivers ignore the policy entirely, as if the domain had none.',
      remediation: 'Merge the records into one v=spf1 record per name (one TXT record; long records may be split into several strings of that record).',
      references: ['RFC 7208 section 3.2', 'RFC 7208 section 4.5'],
    },
    'spf.syntax-error': {
      severity: 'high',
      title: 'SPF record invalid',
      description:
        'The record, or a record it includes or redirects to, is not valid SPF: receivers get a permerror and ignore the policy, so forged mail is not rejected and DMARC cannot pass on SPF.',
      remediation: 'Correct the term named below; every include and redirect must name a domain that publishes exactly one valid v=spf1 record.',
      references: ['RFC 7208 section 4.6', 'RFC 7208 section 5.2', 'RFC 7208 section 6.1'],
    },
    'spf.too-many-lookups': {
      severity: 'high',
      title: `SPF needs more than ${MAX_DNS_LOOKUPS} DNS lookups`,
      description: `Receivers stop after ${MAX_DNS_LOOKUPS} DNS-querying terms (include, a, mx, ptr, exists, redirect) across all nested records and return permerror, so mail from servers listed late in the tree fails SPF and the policy may be ignored.`,
      remediation: 'Remove unused includes, replace a and mx terms with ip4/ip6 ranges, and break any include loop; ip4, ip6 and all cost no lookup.',
      references: ['RFC 7208 section 4.6.4'],
    },
    'spf.too-many-void-lookups': {
      severity: 'high',
      title: `SPF has more than ${MAX_VOID_LOOKUPS} void lookups`,
      description: `Terms that name domains without the record asked for (NXDOMAIN or no data) count as void lookups; after ${MAX_VOID_LOOKUPS} receivers return permerror and ignore the policy.`,
      remediation: 'Remove the terms that name deleted hosts or domains, or publish the records they expect.',
      references: ['RFC 7208 section 4.6.4'],
    },
    'spf.pass-all': {
      severity: 'critical',
      title: 'SPF authorizes every sender (+all)',
      description:
        'The policy ends in "+all" (or "all"), or otherwise passes an address outside the domain\'s networks: anyone on the internet can send mail as the domain with an SPF pass, which also satisfies DMARC.',
      remediation: 'End the record in -all (or ~all while you are still collecting the list of legitimate senders) and list the real senders before it.',
      references: ['RFC 7208 section 5.1', 'RFC 7208 section 8.3'],
    },
    'spf.neutral-all': {
      severity: 'medium',
      title: 'SPF ends in ?all (neutral)',
      description: 'With "?all" the domain asserts nothing about other senders: forged mail gets a neutral result, which receivers treat like no SPF at all.',
      remediation: 'End the record in -all, or ~all while collecting the list of legitimate senders.',
      references: ['RFC 7208 section 5.1', 'RFC 7208 section 8.2'],
    },
    'spf.no-all': {
      severity: 'low',
      title: 'SPF record has no "all" and no redirect',
      description: 'A record that ends without "all" or a redirect gives neutral for every sender it does not list, so forged mail is not marked as failing.',
      remediation: 'End the record with an explicit -all (or ~all).',
      references: ['RFC 7208 section 4.7'],
    },
    'spf.ptr-mechanism': {
      severity: 'low',
      title: 'SPF uses the ptr mechanism',
      description:
        'The ptr mechanism is slow and unreliable (it depends on reverse DNS of the client and costs extra lookups); RFC 7208 says it SHOULD NOT be used, and some large receivers skip it, failing mail it was meant to pass.',
      remediation: 'Replace ptr with ip4/ip6 ranges or a/mx terms naming the sending hosts.',
      references: ['RFC 7208 section 5.5'],
    },
    'spf.record-too-long': {
      severity: 'low',
      title: `SPF record longer than ${MAX_RECORD_BYTES} bytes`,
      description: `A record over about ${MAX_RECORD_BYTES} bytes may not fit a 512-byte UDP DNS answer with the name's other TXT records; receivers must retry over TCP, and some fail with temperror.`,
      remediation: 'Shorten the record: move groups of senders into included subdomains, or use ranges instead of single addresses.',
      references: ['RFC 7208 section 3.4'],
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain ?? ctx.target.host;
    const testIp = ctx.options.spfTestIp ?? DEFAULT_SPF_TEST_IP;
    ctx.progress(`walking the SPF record tree of ${domain}`);
    const lint = await lintSpf(ctx.resolver.query, domain, ctx.signal);
    ctx.progress(`evaluating SPF for ${testIp}`);
    const outside = await checkHost(ctx.resolver.query, { ip: testIp, sender: `postmaster@${domain}`, helo: domain });

    const details = new Map<SpfIssueKind, Set<string>>();
    const note = (kind: SpfIssueKind, sentence: string) => details.set(kind, (details.get(kind) ?? new Set()).add(sentence));
    for (const issue of lint.issues) note(issue.kind, `${issue.domain}: ${issue.detail}.`);
    if (outside.result === 'pass') note('pass-all', `check_host() gives pass for ${testIp}, an address outside the domain's networks.`);

    const evidence = { records: lint.tree.records, lookups: lint.lookups, voidLookups: lint.voidLookups, tree: lint.tree };
    const findings: RaisedFinding<O>[] = [];
    for (const [kind, sentences] of details) {
      if (kind === 'dns-error') continue;
      findings.push({ outcome: `spf.${kind}`, detail: [...sentences].join(' '), evidence: { ...evidence, resultForOutsideIp: outside.result } });
    }
    const errors = lint.issues.filter((i) => ERROR_KINDS.includes(i.kind)).map((i) => `${i.domain}: ${i.detail}`);
    if (outside.result === 'permerror' || outside.result === 'temperror') errors.push(`check_host(${testIp}): ${outside.comment}`);
    const dnsErrors = details.get('dns-error');
    return {
      findings,
      // Unanswered questions leave part of the tree unseen: say so rather than pass.
      inconclusive: dnsErrors ? `DNS errors: ${[...dnsErrors].join(' ')}` : undefined,
      facts: { spf: { record: lint.record, lookups: lint.lookups, voidLookups: lint.voidLookups, tree: lint.tree, errors, resultForOutsideIp: outside.result, testIp } satisfies SpfFacts },
    };
  },
});
