// Can the domain receive mail at all, and through which hosts? The MX set is also what the
// CLI expands into targets when no host is given.
import { defineCheck } from '../define-check.js';
import { resolveMx } from '../../dns/mx.js';

type O = 'dns.no-mx' | 'dns.mx-no-address';

export default defineCheck<O>({
  id: 'mx',
  title: 'MX records of the domain',
  category: 'dns',
  scope: 'domain',
  active: false,
  timeoutMs: 20_000,
  references: ['RFC 5321 section 5.1', 'RFC 7505'],
  outcomes: {
    'dns.no-mx': {
      severity: 'high',
      title: 'The domain cannot receive mail',
      description: 'No mail exchanger could be found for the domain: no MX record and no address, a null MX, or a DNS error. Mail to its addresses bounces.',
      remediation: 'Publish MX records pointing to hosts with A/AAAA records; publish "0 ." (null MX) only for domains that must never receive mail.',
    },
    'dns.mx-no-address': {
      severity: 'medium',
      title: 'An MX host has no address',
      description: 'An MX record names a host that has no A or AAAA record; senders waste attempts on it and may delay mail.',
      remediation: 'Remove the MX record or give the host an address.',
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain!;
    const set = await resolveMx(ctx.resolver, domain);
    const facts = { mx: set };
    const evidence = { mx: set.hosts.map((h) => `${h.priority} ${h.exchange} ${h.addresses.join(' ') || h.error || 'no address'}`) };
    const findings = [];
    const reachable = set.hosts.filter((h) => h.addresses.length);
    if (set.error && /SERVFAIL|TIMEOUT|ECONNREFUSED/i.test(set.error)) return { facts, inconclusive: set.error };
    if (set.nullMx || reachable.length === 0) {
      const why = set.nullMx ? 'it publishes a null MX ("0 ."), refusing all mail' : set.error ?? 'no MX host has an address';
      findings.push({ outcome: 'dns.no-mx' as const, detail: `For ${domain}: ${why}.`, evidence });
    }
    for (const h of set.hosts.filter((x) => !x.addresses.length && !set.implicit)) {
      findings.push({ outcome: 'dns.mx-no-address' as const, detail: `${h.exchange} (preference ${h.priority}): ${h.error ?? 'no A/AAAA'}.`, evidence });
    }
    return { facts, findings };
  },
});
