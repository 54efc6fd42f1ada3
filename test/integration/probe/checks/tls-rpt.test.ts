// The tls-rpt check through the real engine, against the lab DNS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import tlsRpt from '../../../../main/probe/checks/tls-rpt.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';

let dns: LabDnsServer;
beforeAll(async () => {
  dns = await startLabDns({
    '_smtp._tls.x.test': { TXT: ['v=TLSRPTv1; rua=mailto:tls@x.test,https://reports.x.test/v1'] },
    'missing.test': { MX: [{ priority: 10, exchange: 'mx.missing.test' }] },
    '_smtp._tls.norua.test': { TXT: ['v=TLSRPTv1; ruf=mailto:tls@norua.test'] },
    '_smtp._tls.scheme.test': { TXT: ['v=TLSRPTv1; rua=tls@scheme.test'] },
    '_smtp._tls.multi.test': { TXT: ['v=TLSRPTv1; rua=mailto:a@multi.test', 'v=TLSRPTv1; rua=mailto:b@multi.test'] },
    '_smtp._tls.broken.test': { rcode: 'SERVFAIL' },
  });
});
afterAll(() => dns?.stop());

const probe = (domain: string) =>
  runProbe({ targets: [], domain, checks: ['tls-rpt'], checkDefinitions: [tlsRpt], options: probeOptions(), resolver: createResolver([dns.server], 1000, 1) });

describe('tls-rpt check', () => {
  it('a valid record: no finding, report URIs in the domain facts', async () => {
    const a = await probe('x.test');
    expect(a.checks[0]).toMatchObject({ id: 'tls-rpt', status: 'pass' });
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.tlsRpt).toEqual({ record: 'v=TLSRPTv1; rua=mailto:tls@x.test,https://reports.x.test/v1', rua: ['mailto:tls@x.test', 'https://reports.x.test/v1'], error: null });
  });

  it('no record: tlsrpt.missing (info)', async () => {
    const a = await probe('missing.test');
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([['tlsrpt.missing', 'info']]);
    expect(a.findings[0].description).toMatch(/No TLS-RPT record at _smtp\._tls\.missing\.test\.$/);
    expect(a.domainFacts.tlsRpt).toEqual({ record: null, rua: [], error: null });
  });

  it.each([
    ['norua.test', /rua= is missing/],
    ['scheme.test', /rua entry "tls@scheme\.test" is not a mailto: or https: URI/],
    ['multi.test', /2 records at _smtp\._tls\.multi\.test begin with v=TLSRPTv1/],
  ])('%s: tlsrpt.invalid (low) with the reason', async (domain, reason) => {
    const a = await probe(domain);
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([['tlsrpt.invalid', 'low']]);
    expect(a.findings[0].description).toMatch(reason);
    expect((a.domainFacts.tlsRpt as { error: string }).error).toMatch(reason);
    expect(a.checks[0].status).toBe('warn');
  });

  it('a DNS failure is inconclusive', async () => {
    const a = await probe('broken.test');
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: 'inconclusive: TXT lookup of _smtp._tls.broken.test failed: ESERVFAIL' });
  });
});
