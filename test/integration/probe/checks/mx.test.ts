import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';

let dns: LabDnsServer;
beforeAll(async () => {
  dns = await startLabDns({
    'two.test': { MX: [{ priority: 20, exchange: 'backup.two.test' }, { priority: 10, exchange: 'mx.two.test' }] },
    'mx.two.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'backup.two.test': { A: ['127.0.0.2'] },
    'implicit.test': { A: ['127.0.0.3'] },
    'nullmx.test': { MX: [{ priority: 0, exchange: '' }] },
    'dangling.test': { MX: [{ priority: 10, exchange: 'gone.dangling.test' }, { priority: 20, exchange: 'mx.two.test' }] },
    'broken.test': { rcode: 'SERVFAIL' },
  });
});
afterAll(() => dns.stop());

const mxCheck = (domain: string) =>
  runProbe({ targets: [], domain, checks: ['mx'], options: probeOptions(), resolver: createResolver([dns.server], 500, 1) });

describe('mx check against the lab DNS server', () => {
  it('lists MX hosts by preference with every address; no finding', async () => {
    const a = await mxCheck('two.test');
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.mx).toEqual({
      hosts: [
        { exchange: 'mx.two.test', priority: 10, addresses: ['127.0.0.1', '::1'] },
        { exchange: 'backup.two.test', priority: 20, addresses: ['127.0.0.2'] },
      ],
      implicit: false,
      nullMx: false,
    });
    expect(a.checks[0]).toMatchObject({ id: 'mx', host: 'two.test', port: 0, status: 'pass' });
  });

  it('uses the implicit MX (the domain itself) when there is no MX record', async () => {
    const a = await mxCheck('implicit.test');
    expect(a.domainFacts.mx).toMatchObject({ implicit: true, hosts: [{ exchange: 'implicit.test', addresses: ['127.0.0.3'] }] });
    expect(a.findings).toEqual([]);
  });

  it.each([
    ['nullmx.test', /null MX/],
    ['nowhere.test', /ENOTFOUND/],
  ])('%s cannot receive mail: dns.no-mx', async (domain, why) => {
    const a = await mxCheck(domain);
    expect(a.findings.map((f) => f.id)).toEqual(['dns.no-mx']);
    expect(a.findings[0].description).toMatch(why);
  });

  it('an MX host without address: dns.mx-no-address', async () => {
    const a = await mxCheck('dangling.test');
    expect(a.findings.map((f) => f.id)).toEqual(['dns.mx-no-address']);
    expect(a.findings[0].description).toMatch(/gone\.dangling\.test \(preference 10\)/);
  });

  it('a DNS failure is inconclusive, never "no MX"', async () => {
    const a = await mxCheck('broken.test');
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/ESERVFAIL/) });
    expect(a.findings).toEqual([]);
  });
});
