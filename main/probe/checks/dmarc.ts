// DMARC of the mail domain: whether receivers are told to refuse mail that fails SPF and DKIM
// alignment (spoofing of the domain), and whether the owner hears about it.
import { defineCheck, type RaisedFinding } from '../define-check.js';
import { discoverDmarc, type DmarcDiscovery } from '../../dns/dmarc/discover-dmarc.js';
import { parseDmarcRecord, type DmarcRecord } from '../../dns/dmarc/dmarc-record.js';

/** assessment.domainFacts.dmarc: the parsed record, plus which record it was. */
export interface DmarcFacts extends DmarcRecord {
  /** The record in use: the domain's, else the organizational domain's. */
  record: string | null;
  source: 'domain' | 'organizational' | null;
}

type O = 'dmarc.missing' | 'dmarc.policy-none' | 'dmarc.syntax-error' | 'dmarc.no-rua';

export default defineCheck<O>({
  id: 'dmarc',
  title: 'DMARC policy of the domain',
  category: 'dns',
  scope: 'domain',
  active: false,
  // Two TXT lookups at most (domain, organizational domain), each bounded by the resolver.
  timeoutMs: 20_000,
  references: ['RFC 7489'],
  outcomes: {
    'dmarc.missing': {
      severity: 'medium',
      title: 'No DMARC record',
      description:
        'Neither the domain nor its organizational domain publishes a DMARC record, so receivers have no instruction for mail that forges the domain in the From header, and the owner gets no report of such mail.',
      remediation: 'Publish a TXT record at _dmarc.<domain>, starting with "v=DMARC1; p=none; rua=mailto:..." to collect reports, then move to p=quarantine or p=reject.',
      references: ['RFC 7489 section 6.1', 'RFC 7489 section 6.6.3'],
    },
    'dmarc.policy-none': {
      severity: 'medium',
      title: 'DMARC policy is "none"',
      description: 'The DMARC policy that applies to the domain is "none": receivers are asked to deliver mail that fails DMARC as usual, so forged mail in the name of the domain is not stopped.',
      remediation: 'Once the aggregate reports show that legitimate mail passes, raise the policy to p=quarantine, then p=reject (and sp= for subdomains).',
      references: ['RFC 7489 section 6.3'],
    },
    'dmarc.syntax-error': {
      severity: 'high',
      title: 'DMARC record is malformed',
      description:
        'The DMARC record has errors. Receivers discard a record that does not begin with v=DMARC1, ignore all records when there are several, and fall back to "none" or to no DMARC at all when p= is invalid: the policy the owner meant is not applied.',
      remediation: 'Publish exactly one TXT record at _dmarc.<domain>, beginning with "v=DMARC1;", with a valid p= and valid tag values; check it with a DMARC validator.',
      references: ['RFC 7489 section 6.4', 'RFC 7489 section 6.6.3'],
    },
    'dmarc.no-rua': {
      severity: 'info',
      title: 'No DMARC aggregate reports requested',
      description: 'The DMARC record has no valid rua= address, so the owner receives no aggregate reports: spoofing attempts and misconfigured legitimate senders go unnoticed.',
      remediation: 'Add rua=mailto:<address> to the DMARC record (an address at another domain must authorize it with a _report._dmarc record).',
      references: ['RFC 7489 section 7.2'],
    },
  },
  async run(ctx) {
    const domain = ctx.target.domain!;
    let found: DmarcDiscovery;
    try {
      found = await discoverDmarc(ctx.resolver, domain);
    } catch (err) {
      return { inconclusive: (err as Error).message };
    }
    const parsed = found.record ? parseDmarcRecord(found.record) : null;
    const errors = [...found.errors, ...(parsed?.errors ?? [])];
    const evidence = { queried: found.queried, record: found.record, errors };
    const findings: RaisedFinding<O>[] = [];
    const raise = (outcome: O, detail: string) => findings.push({ outcome, detail, evidence });

    if (!found.record && !errors.length) raise('dmarc.missing', `Looked up ${found.queried.join(' and ')}.`);
    if (errors.length) raise('dmarc.syntax-error', `${errors.join('; ')}.`);
    if (parsed) {
      const where = `${found.name} (${found.source} record)`;
      // A subdomain gets the organizational record's sp=; a bad p= or sp= counts as "none" when
      // reports are requested, and as no DMARC otherwise (section 6.6.3).
      const applied = (found.source === 'organizational' ? parsed.subdomainPolicy : parsed.policy) ?? (parsed.rua.length ? 'none' : null);
      if (applied === 'none') raise('dmarc.policy-none', `Policy "none" applies to ${domain}, from ${where}.`);
      if (!parsed.rua.length) raise('dmarc.no-rua', `No valid rua= in ${where}.`);
    }
    const dmarc: DmarcFacts = {
      record: found.record,
      source: found.source,
      policy: parsed?.policy ?? null,
      subdomainPolicy: parsed?.subdomainPolicy ?? null,
      pct: parsed?.pct ?? null,
      rua: parsed?.rua ?? [],
      ruf: parsed?.ruf ?? [],
      errors,
    };
    return { findings, facts: { dmarc } };
  },
});
