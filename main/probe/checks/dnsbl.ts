// Is the server's address on DNS block lists? Each list is self-tested first (RFC 5782 test
// points), error answers are never read as listings, and dead lists are never asked.
import { dnsblQueryName } from '../../dns/dnsbl/address.js';
import { lookupZones, type RblResult } from '../../dns/dnsbl/lookup.js';
import { selectZones, type ZoneSelection } from '../../dns/dnsbl/select.js';
import type { DnsblZone } from '../../dns/dnsbl/zones.js';
import { defineCheck, type RaisedFinding } from '../define-check.js';

type O = 'dns.rbl-listed' | 'dns.rbl-query-refused' | 'dns.rbl-unreliable' | 'dns.rbl-timeout' | 'dns.rbl-dead-list';

const OUTCOME: Record<Exclude<RblResult['status'], 'clean'>, O> = {
  listed: 'dns.rbl-listed',
  refused: 'dns.rbl-query-refused',
  unreliable: 'dns.rbl-unreliable',
  timeout: 'dns.rbl-timeout',
  dead: 'dns.rbl-dead-list',
};

export default defineCheck<O>({
  id: 'dnsbl',
  title: 'Server address on DNS block lists',
  category: 'dns',
  active: false,
  timeoutMs: 60_000,
  references: ['RFC 5782', 'RFC 6471'],
  outcomes: {
    'dns.rbl-listed': {
      severity: 'high',
      title: 'Server address listed on a DNS block list',
      description:
        'The mail server address is on a DNS block list (DNSBL). Receivers that use the list reject or junk mail from this address, and a listing usually means spam, a compromised host or a misconfiguration was seen from it.',
      remediation:
        "Find and stop the cause the list names (compromised account or host, open relay, unauthenticated submission, a dynamic address sending directly), then request delisting on the provider's page given in the evidence.",
    },
    'dns.rbl-query-refused': {
      severity: 'low',
      title: 'Block list refused to answer',
      description:
        'The list answered with an error code instead of a verdict, so whether the address is listed there is unknown. Spamhaus answers 127.255.255.254 to queries that come through a public or open resolver (8.8.8.8, 1.1.1.1) and 127.255.255.255 when rate limited; DNSWL uses 127.0.0.255. A mail server behind such a resolver gets the same answer for every client, so its block list check silently does nothing.',
      remediation:
        'Query through your own recursive resolver (--dns with a resolver that is neither public nor forwarding to one), or use a Spamhaus Data Query Service key (--rbl <key>.zen.dq.spamhaus.net). Give your mail servers their own resolver too.',
      references: ['https://www.spamhaus.org/faq/section/DNSBL%20Usage'],
    },
    'dns.rbl-unreliable': {
      severity: 'info',
      title: 'Block list failed its self-test',
      description:
        'The list did not pass the RFC 5782 test (127.0.0.2 must be listed and 127.0.0.1 must not; ::FFFF:7F00:2 and ::FFFF:7F00:1 for IPv6), failed to answer (SERVFAIL) or answered outside 127.0.0.0/8, so its answer for this address is not believed. Lists that shut down sometimes answer "listed" for everything; some resolvers rewrite NXDOMAIN.',
      remediation:
        'Nothing to fix on the server. If your own mail server uses this list, remove it: a list that fails its self-test rejects legitimate mail or none at all.',
    },
    'dns.rbl-timeout': {
      severity: 'info',
      title: 'Block list did not answer in time',
      description: 'No answer came within the resolver timeout, so whether the address is listed there is unknown.',
      remediation: 'Run the check again later or through another resolver (--dns); a list that often times out also slows down every mail server that uses it.',
    },
    'dns.rbl-dead-list': {
      severity: 'info',
      title: 'Block list is shut down',
      description:
        "The list was shut down and was not queried: a dead list's domain can be re-registered by someone who answers anything, up to \"listed\" for every address.",
      remediation: 'Remove the list from mail server configurations (Postfix: postscreen_dnsbl_sites, reject_rbl_client in smtpd_*_restrictions).',
    },
  },
  async run(ctx) {
    const address = ctx.target.address;
    let selection: ZoneSelection;
    try {
      selection = selectZones(address, ctx.options);
    } catch (err) {
      return { inconclusive: (err as Error).message };
    }
    if ('notApplicable' in selection) return { notApplicable: selection.notApplicable };
    const zones = new Map(selection.zones.map((z) => [z.zone, z]));
    ctx.progress(`asking ${zones.size} block lists about ${address}`);
    const results = await lookupZones(selection.zones, address, (name, type) => ctx.resolver.query(name, type), { signal: ctx.signal });

    const findings = results.flatMap((r): RaisedFinding<O>[] => {
      if (r.status === 'clean') return [];
      const zone = zones.get(r.zone)!;
      return [{ outcome: OUTCOME[r.status], detail: detailOf(r, zone), evidence: { ...r, query: dnsblQueryName(address, r.zone), provider: zone.name, url: zone.url } }];
    });
    // A refusal is reported on its own (the fix is the user's resolver); with only timeouts,
    // failed self-tests and dead lists, nothing was learnt about the address.
    const usable = results.some((r) => r.status === 'listed' || r.status === 'clean' || r.status === 'refused');
    return {
      findings,
      facts: { rbl: results },
      inconclusive: usable ? undefined : `no block list gave a usable answer (${summary(results)})`,
    };
  },
});

function detailOf(r: RblResult, zone: DnsblZone): string {
  const where = zone.name === r.zone ? r.zone : `${r.zone} (${zone.name})`;
  if (r.status === 'listed') {
    const reason = r.txt ? ` The list's reason: "${r.txt}".` : ' The list gives no reason (no TXT record).';
    return `${where} lists ${r.address}: ${r.meaning}.${reason}${zone.url ? ` Lookup and delisting: ${zone.url}` : ''}`;
  }
  if (r.status === 'refused' && r.codes.length) return `${where} answered ${r.codes.join(', ')}: ${r.meaning}.`;
  return `${where}: ${r.meaning}.`;
}

function summary(results: RblResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}
