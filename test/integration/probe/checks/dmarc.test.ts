// The dmarc check through the real engine, against the lab DNS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../../main/probe/engine.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import dmarc from '../../../../main/probe/checks/dmarc.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';

let dns: LabDnsServer;
beforeAll(async () => {
  dns = await startLabDns({
    '_dmarc.x.test': { TXT: ['v=spf1 -all', 'v=DMARC1; p=reject; rua=mailto:dmarc@x.test; ruf=mailto:forensic@x.test; pct=100'] },
    '_dmarc.none.test': { TXT: [['v=DMARC1; p=none; ', 'rua=mailto:dmarc@none.test']] },
    '_dmarc.norua.test': { TXT: ['v=DMARC1; p=quarantine'] },
    'missing.test': { MX: [{ priority: 10, exchange: 'mx.missing.test' }] },
    '_dmarc.order.test': { TXT: ['p=reject; v=DMARC1; rua=mailto:d@order.test'] },
    '_dmarc.multi.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@multi.test', 'v=DMARC1; p=none; rua=mailto:d@multi.test'] },
    '_dmarc.badp.test': { TXT: ['v=DMARC1; p=block; rua=mailto:d@badp.test'] },
    '_dmarc.org.test': { TXT: ['v=DMARC1; p=reject; sp=none; rua=mailto:d@org.test'] },
    '_dmarc.broken.test': { rcode: 'SERVFAIL' },
  });
});
afterAll(() => dns?.stop());

const probe = (domain: string) =>
  runProbe({ targets: [], domain, checks: ['dmarc'], checkDefinitions: [dmarc], options: probeOptions(), resolver: createResolver([dns.server], 1000, 1) });
const ids = (a: { findings: { id: string }[] }) => a.findings.map((f) => f.id).sort();

describe('dmarc check', () => {
  it('p=reject with reports: no finding, and the record in the domain facts', async () => {
    const a = await probe('x.test');
    expect(a.checks).toEqual([expect.objectContaining({ id: 'dmarc', host: 'x.test', port: 0, status: 'pass' })]);
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.dmarc).toEqual({
      record: 'v=DMARC1; p=reject; rua=mailto:dmarc@x.test; ruf=mailto:forensic@x.test; pct=100',
      source: 'domain',
      policy: 'reject',
      subdomainPolicy: 'reject',
      pct: 100,
      rua: ['mailto:dmarc@x.test'],
      ruf: ['mailto:forensic@x.test'],
      errors: [],
    });
  });

  it('no record at the domain or above: dmarc.missing (medium)', async () => {
    const a = await probe('missing.test');
    expect(ids(a)).toEqual(['dmarc.missing']);
    expect(a.findings[0]).toMatchObject({ severity: 'medium', checkId: 'dmarc', host: 'missing.test' });
    expect(a.findings[0].description).toMatch(/Looked up _dmarc\.missing\.test\.$/);
    expect(a.checks[0].status).toBe('fail');
    expect(a.domainFacts.dmarc).toMatchObject({ record: null, source: null, policy: null });
  });

  it('p=none (record split over two TXT strings): dmarc.policy-none', async () => {
    const a = await probe('none.test');
    expect(ids(a)).toEqual(['dmarc.policy-none']);
    expect(a.findings[0].description).toMatch(/Policy "none" applies to none\.test, from _dmarc\.none\.test \(domain record\)/);
    expect(a.domainFacts.dmarc).toMatchObject({ record: 'v=DMARC1; p=none; rua=mailto:dmarc@none.test', policy: 'none' });
  });

  it('no rua=: dmarc.no-rua (info), the check still passes', async () => {
    const a = await probe('norua.test');
    expect(ids(a)).toEqual(['dmarc.no-rua']);
    expect(a.findings[0].severity).toBe('info');
    expect(a.checks[0].status).toBe('pass');
  });

  it('v=DMARC1 not first: the record is discarded, dmarc.syntax-error (high), not missing', async () => {
    const a = await probe('order.test');
    expect(ids(a)).toEqual(['dmarc.syntax-error']);
    expect(a.findings[0]).toMatchObject({ severity: 'high', evidence: { record: null, queried: ['_dmarc.order.test'] } });
    expect(a.findings[0].description).toMatch(/"p=reject; v=DMARC1; rua=mailto:d@order\.test" at _dmarc\.order\.test does not begin with v=DMARC1/);
  });

  it('two DMARC records: dmarc.syntax-error, none applies', async () => {
    const a = await probe('multi.test');
    expect(ids(a)).toEqual(['dmarc.syntax-error']);
    expect(a.findings[0].description).toMatch(/2 records at _dmarc\.multi\.test begin with v=DMARC1/);
    expect(a.domainFacts.dmarc).toMatchObject({ record: null, policy: null });
  });

  it('invalid p= with reports requested: syntax error, and receivers fall back to none', async () => {
    const a = await probe('badp.test');
    expect(ids(a)).toEqual(['dmarc.policy-none', 'dmarc.syntax-error']);
    expect(a.findings.find((f) => f.id === 'dmarc.syntax-error')?.description).toMatch(/p=block is not none, quarantine or reject/);
    expect(a.domainFacts.dmarc).toMatchObject({ policy: null, errors: ['p=block is not none, quarantine or reject'] });
  });

  it('a subdomain without a record uses the organizational domain record, and its sp=', async () => {
    const a = await probe('mail.org.test');
    expect(ids(a)).toEqual(['dmarc.policy-none']);
    expect(a.findings[0].description).toMatch(/applies to mail\.org\.test, from _dmarc\.org\.test \(organizational record\)/);
    expect(a.findings[0].evidence.queried).toEqual(['_dmarc.mail.org.test', '_dmarc.org.test']);
    expect(a.domainFacts.dmarc).toMatchObject({ source: 'organizational', policy: 'reject', subdomainPolicy: 'none' });
  });

  it('the organizational record protects a subdomain with no record of its own', async () => {
    const a = await probe('deep.sub.x.test');
    expect(a.findings).toEqual([]);
    expect(a.domainFacts.dmarc).toMatchObject({ source: 'organizational', policy: 'reject' });
  });

  it('a DNS failure is inconclusive, never "missing"', async () => {
    const a = await probe('broken.test');
    expect(a.findings).toEqual([]);
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: 'inconclusive: TXT lookup of _dmarc.broken.test failed: ESERVFAIL' });
  });
});
