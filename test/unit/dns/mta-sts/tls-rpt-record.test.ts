import { describe, expect, it } from 'vitest';
import { TLSRPT_VERSION, parseTlsRptRecord } from '../../../../main/dns/mta-sts/tls-rpt-record.js';
import { selectRecord } from '../../../../main/dns/tag-list.js';

describe('TLS-RPT record (RFC 8460 section 3)', () => {
  it('reads mailto: and https: report URIs', () => {
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:tls@x.test, https://reports.x.test/tls')).toEqual({
      rua: ['mailto:tls@x.test', 'https://reports.x.test/tls'],
      errors: [],
    });
  });

  it('requires rua=, and only mailto: or https: URIs in it', () => {
    expect(parseTlsRptRecord('v=TLSRPTv1;').errors).toEqual(['rua= is missing (it is required)']);
    const r = parseTlsRptRecord('v=TLSRPTv1; rua=tls@x.test,http://x.test/r,mailto:ok@x.test,mailto:');
    expect(r.rua).toEqual(['mailto:ok@x.test']);
    expect(r.errors).toEqual([
      'rua entry "tls@x.test" is not a mailto: or https: URI',
      'rua entry "http://x.test/r" is not a mailto: or https: URI',
      'rua entry "mailto:" is not a mailto: or https: URI',
    ]);
  });

  it('is selected only when it begins with v=TLSRPTv1, exactly once', () => {
    const select = (records: string[]) => selectRecord(records, TLSRPT_VERSION, '_smtp._tls.x.test');
    expect(select(['v=TLSRPTv1; rua=mailto:a@x.test']).record).toBe('v=TLSRPTv1; rua=mailto:a@x.test');
    expect(select(['rua=mailto:a@x.test; v=TLSRPTv1']).record).toBeNull();
    expect(select(['v=TLSRPTv1; rua=mailto:a@x.test', 'v=TLSRPTv1; rua=mailto:b@x.test']).ambiguous).toBe(true);
  });
});
