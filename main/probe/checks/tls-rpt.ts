// TLS-RPT of the mail domain (RFC 8460): whether senders can report TLS failures with the MX hosts,
// without which a broken MTA-STS or DANE setup, or an attack on TLS, goes unnoticed.
import { defineCheck } from '../define-check.js';
import { selectRecord } from '../../dns/tag-list.js';
import { txtRecords } from '../../dns/txt-records.js';
import { TLSRPT_VERSION, parseTlsRptRecord } from '../../dns/mta-sts/tls-rpt-record.js';

/** assessment.domainFacts.tlsRpt */
export interface TlsRptFacts {
  record: string | null;
  /** Valid report URIs. */
  rua: string[];
  /** Why senders would not send reports. */
  error: string | null;
}

type O = 'tlsrpt.missing' | 'tlsrpt.invalid';

export default defineCheck<O>({
  id: 'tls-rpt',
  title: 'TLS-RPT reporting record of the domain',
  category: 'dns',
  scope: 'domain',
  active: false,
  timeoutMs: 15_000,
  references: ['RFC 8460'],
  outcomes: {
    'tlsrpt.missing': {
      severity: 'info',
      title: 'No TLS-RPT record',
      description: 'The domain publishes no TLS-RPT record, so senders cannot report failed or downgraded TLS connections to its MX hosts: MTA-STS or DANE problems, and attacks on TLS, go unnoticed.',
      remediation: 'Publish a TXT record "v=TLSRPTv1; rua=mailto:<address>" at _smtp._tls.<domain>.',
      references: ['RFC 8460 section 3'],
    },
    'tlsrpt.invalid': {
      severity: 'low',
      title: 'TLS-RPT record is malformed',
      description: 'The TLS-RPT record is malformed (no valid rua=, a record not beginning with v=TLSRPTv1, or several records), so senders send no reports.',
      remediation: 'Publish exactly one TXT record at _smtp._tls.<domain> beginning with "v=TLSRPTv1;" and a rua= of mailto: or https: URIs.',
      references: ['RFC 8460 section 3'],
    },
  },
  async run(ctx) {
    const name = `_smtp._tls.${ctx.target.domain!}`;
    let records: string[];
    try {
      records = await txtRecords(ctx.resolver, name);
    } catch (err) {
      return { inconclusive: (err as Error).message };
    }
    const selected = selectRecord(records, TLSRPT_VERSION, name);
    const parsed = selected.record ? parseTlsRptRecord(selected.record) : null;
    const errors = [...selected.errors, ...(parsed?.errors ?? [])];
    const tlsRpt: TlsRptFacts = { record: selected.record, rua: parsed?.rua ?? [], error: errors.length ? errors.join('; ') : null };
    const facts = { tlsRpt };
    if (errors.length) return { facts, findings: [{ outcome: 'tlsrpt.invalid', detail: `${errors.join('; ')}.`, evidence: { records } }] };
    if (!selected.record) return { facts, findings: [{ outcome: 'tlsrpt.missing', detail: `No TLS-RPT record at ${name}.`, evidence: { queried: [name] } }] };
    return { facts };
  },
});
