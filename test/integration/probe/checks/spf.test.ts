// The spf check through the real engine, against the lab DNS server with fixture zones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../../support/lab-dns.js';
import { createResolver } from '../../../../main/net/resolver.js';
import { runProbe } from '../../../../main/probe/engine.js';
import { probeOptions } from '../../../../main/probe/default-options.js';
import type { ProbeOptions } from '../../../../main/probe/context.js';
import { checkHost } from '../../../../main/dns/spf/evaluate.js';
import spf, { DEFAULT_SPF_TEST_IP, type SpfFacts } from '../../../../main/probe/checks/spf.js';

const hosts = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i + 1}.x.test`, { A: [`198.51.100.${i + 1}`] }]));
const a = (n: number) => Array.from({ length: n }, (_, i) => `a:h${i + 1}.x.test`).join(' ');

// 34 ip4 terms: 614 bytes.
const longTerms = Array.from({ length: 34 }, (_, i) => `ip4:198.51.100.${i + 1}`);
const longRecord = `v=spf1 ${longTerms.join(' ')} -all`;
// Cut every 250 bytes, as zone tools cut long records: the second cut splits ip4:198.51.100.28
// into "...100.2" and "8 ...", which only a join without spaces reads back.
const longStrings = longRecord.match(/.{1,250}/g)!;

const zones: ZoneData = {
  ...hosts(4),
  'clean.x.test': { TXT: ['v=spf1 mx ip4:198.51.100.0/24 -all', 'google-site-verification=abc'], MX: [{ priority: 10, exchange: 'mx.clean.x.test' }] },
  'mx.clean.x.test': { A: ['198.51.100.25'] },
  'redirect.x.test': { TXT: ['v=spf1 redirect=clean.x.test'] },
  'missing.x.test': { TXT: ['google-site-verification=abc'] },
  'multiple.x.test': { TXT: ['v=spf1 ip4:198.51.100.1 -all', 'v=spf1 mx -all'] },
  // 1 + (3 + 1) + (4 + 1) + 1 = 11 lookups through three levels of includes.
  'eleven.x.test': { TXT: ['v=spf1 include:i1.eleven.x.test -all'] },
  'i1.eleven.x.test': { TXT: [`v=spf1 ${a(3)} include:i2.eleven.x.test ~all`] },
  'i2.eleven.x.test': { TXT: [`v=spf1 ${a(4)} include:i3.eleven.x.test ~all`] },
  'i3.eleven.x.test': { TXT: [`v=spf1 ${a(1)} ~all`] },
  // The same includes plus three a terms: exactly 10, the limit, is fine.
  'ten.x.test': { TXT: [`v=spf1 include:i2.eleven.x.test ${a(3)} -all`] },
  'loop.x.test': { TXT: ['v=spf1 ip4:198.51.100.7 include:loop2.x.test -all'] },
  'loop2.x.test': { TXT: ['v=spf1 include:loop.x.test -all'] },
  'long.x.test': { TXT: [longStrings] },
  'passall.x.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 +all'] },
  'bareall.x.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 all'] },
  'wide.x.test': { TXT: ['v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all'] },
  'neutral.x.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 ?all'] },
  'noall.x.test': { TXT: ['v=spf1 ip4:198.51.100.0/24'] },
  'ptr.x.test': { TXT: ['v=spf1 ptr:x.test -all'] },
  'typo.x.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 incude:_spf.x.test -all'] },
  'brokeninclude.x.test': { TXT: ['v=spf1 include:nospf.x.test -all'] },
  'nospf.x.test': { A: ['198.51.100.9'] },
  'void.x.test': { TXT: ['v=spf1 a:gone1.x.test a:gone2.x.test mx:gone3.x.test -all'] },
  'servfail.x.test': { rcode: 'SERVFAIL' },
};

let lab: LabDnsServer;
beforeAll(async () => {
  lab = await startLabDns(zones);
});
afterAll(() => lab?.stop());

async function probe(domain: string, options: ProbeOptions = probeOptions()) {
  const assessment = await runProbe({
    targets: [],
    domain,
    checks: ['spf'],
    options,
    resolver: createResolver([lab.server]),
    checkDefinitions: [spf],
  });
  return { assessment, ids: assessment.findings.map((f) => f.id), facts: assessment.domainFacts.spf as SpfFacts, run: assessment.checks[0] };
}

describe('spf check', () => {
  it('a clean -all record: no finding, fail for an outside address', async () => {
    const { ids, facts, run } = await probe('clean.x.test');
    expect(run).toMatchObject({ id: 'spf', host: 'clean.x.test', status: 'pass' });
    expect(ids).toEqual([]);
    expect(facts).toMatchObject({ record: 'v=spf1 mx ip4:198.51.100.0/24 -all', lookups: 1, voidLookups: 0, errors: [], resultForOutsideIp: 'fail', testIp: DEFAULT_SPF_TEST_IP });
  });

  it('a redirect to a clean record is clean; the redirect counts as a lookup', async () => {
    const { ids, facts } = await probe('redirect.x.test');
    expect(ids).toEqual([]);
    expect(facts).toMatchObject({ lookups: 2, resultForOutsideIp: 'fail' });
    expect(facts.tree.children).toMatchObject([{ domain: 'clean.x.test', via: 'redirect', lookups: 1 }]);
  });

  it.each(['missing.x.test', 'nxdomain.x.test'])('%s: spf.missing, check_host() gives none', async (domain) => {
    const { ids, facts, run } = await probe(domain);
    expect(ids).toEqual(['spf.missing']);
    expect(run.status).toBe('fail');
    expect(facts).toMatchObject({ record: null, resultForOutsideIp: 'none' });
  });

  it('two v=spf1 records: spf.multiple-records (high), permerror', async () => {
    const { assessment, ids, facts } = await probe('multiple.x.test');
    expect(ids).toEqual(['spf.multiple-records']);
    expect(assessment.findings[0]).toMatchObject({ severity: 'high', host: 'multiple.x.test', checkId: 'spf' });
    expect(assessment.findings[0].evidence.records).toEqual(['v=spf1 ip4:198.51.100.1 -all', 'v=spf1 mx -all']);
    expect(facts).toMatchObject({ record: null, resultForOutsideIp: 'permerror' });
  });

  it('11 lookups through nested includes: spf.too-many-lookups, with the tree and its counts', async () => {
    const { assessment, ids, facts } = await probe('eleven.x.test');
    expect(ids).toEqual(['spf.too-many-lookups']);
    expect(facts).toMatchObject({ lookups: 11, voidLookups: 0, resultForOutsideIp: 'permerror' });
    expect(facts.tree).toMatchObject({
      domain: 'eleven.x.test',
      lookups: 1,
      children: [{ domain: 'i1.eleven.x.test', lookups: 4, children: [{ domain: 'i2.eleven.x.test', lookups: 5, children: [{ domain: 'i3.eleven.x.test', lookups: 1 }] }] }],
    });
    expect(assessment.findings[0].evidence.tree).toEqual(facts.tree);
    expect(assessment.findings[0].description).toMatch(/11 DNS-querying terms/);
  });

  it('exactly 10 lookups is within the limit', async () => {
    const { ids, facts } = await probe('ten.x.test');
    expect(ids).toEqual([]);
    expect(facts).toMatchObject({ lookups: 10, resultForOutsideIp: 'fail' });
  });

  it('an include loop: spf.too-many-lookups naming the loop', async () => {
    const { assessment, ids, facts } = await probe('loop.x.test');
    expect(ids).toEqual(['spf.too-many-lookups']);
    expect(assessment.findings[0].description).toMatch(/include loop loop\.x\.test -> loop2\.x\.test -> loop\.x\.test/);
    expect(facts.resultForOutsideIp).toBe('permerror');
    expect(facts.tree.children[0].children[0]).toMatchObject({ domain: 'loop.x.test', error: expect.stringMatching(/^include loop/) });
  });

  it('a 600-byte record in several TXT strings: spf.record-too-long, read back joined without spaces', async () => {
    expect(longStrings).toHaveLength(3);
    expect([longStrings[1].slice(-3), longStrings[2].slice(0, 2)]).toEqual(['0.2', '8 ']);
    expect(Buffer.byteLength(longRecord)).toBe(614);
    const { ids, facts } = await probe('long.x.test');
    expect(ids).toEqual(['spf.record-too-long']);
    expect(facts.record).toBe(longRecord);
    expect(facts.tree.terms).toHaveLength(35);
    expect(facts.resultForOutsideIp).toBe('fail');
    // The address cut in two passes only if the strings were joined without a space.
    const cut = await checkHost(createResolver([lab.server]).query, { ip: '198.51.100.28', sender: 'a@long.x.test', helo: 'long.x.test' });
    expect(cut.result).toBe('pass');
  });

  it.each(['passall.x.test', 'bareall.x.test'])('%s: spf.pass-all (critical), pass for an outside address', async (domain) => {
    const { assessment, ids, facts } = await probe(domain);
    expect(ids).toEqual(['spf.pass-all']);
    expect(assessment.findings[0].severity).toBe('critical');
    expect(assessment.findings[0].description).toMatch(/check_host\(\) gives pass for 192\.0\.2\.1/);
    expect(facts.resultForOutsideIp).toBe('pass');
  });

  it('ranges that cover the outside address: spf.pass-all although the record ends in -all', async () => {
    const { ids, facts } = await probe('wide.x.test');
    expect(ids).toEqual(['spf.pass-all']);
    expect(facts.resultForOutsideIp).toBe('pass');
  });

  it('the outside address comes from the options; one the domain authorizes reads as pass-all', async () => {
    const options = { ...probeOptions(), spfTestIp: '198.51.100.77' };
    const { ids, facts } = await probe('neutral.x.test', options);
    expect(facts).toMatchObject({ testIp: '198.51.100.77', resultForOutsideIp: 'pass' });
    expect(ids).toEqual(['spf.pass-all', 'spf.neutral-all']);
  });

  it('?all: spf.neutral-all (medium), neutral for an outside address', async () => {
    const { ids, facts, run } = await probe('neutral.x.test');
    expect(ids).toEqual(['spf.neutral-all']);
    expect(run.status).toBe('fail');
    expect(facts.resultForOutsideIp).toBe('neutral');
  });

  it('no all and no redirect: spf.no-all (low)', async () => {
    const { ids, facts, run } = await probe('noall.x.test');
    expect(ids).toEqual(['spf.no-all']);
    expect(run.status).toBe('warn');
    expect(facts.resultForOutsideIp).toBe('neutral');
  });

  it('ptr: spf.ptr-mechanism (low)', async () => {
    const { ids, facts } = await probe('ptr.x.test');
    expect(ids).toEqual(['spf.ptr-mechanism']);
    expect(facts).toMatchObject({ lookups: 1, resultForOutsideIp: 'fail' });
  });

  it('a misspelt mechanism: spf.syntax-error, permerror', async () => {
    const { assessment, ids, facts } = await probe('typo.x.test');
    expect(ids).toEqual(['spf.syntax-error']);
    expect(assessment.findings[0].description).toMatch(/Unknown mechanism "incude"/);
    expect(facts.resultForOutsideIp).toBe('permerror');
    expect(facts.errors).toHaveLength(2); // ours and the receiver's view
  });

  it('an include of a domain without SPF: spf.syntax-error, permerror', async () => {
    const { assessment, ids, facts } = await probe('brokeninclude.x.test');
    expect(ids).toEqual(['spf.syntax-error']);
    expect(assessment.findings[0].description).toMatch(/include target nospf\.x\.test has no SPF record/);
    expect(facts).toMatchObject({ voidLookups: 1, resultForOutsideIp: 'permerror' });
  });

  it('three terms naming nothing: spf.too-many-void-lookups, permerror', async () => {
    const { ids, facts } = await probe('void.x.test');
    expect(ids).toEqual(['spf.too-many-void-lookups']);
    expect(facts).toMatchObject({ lookups: 3, voidLookups: 3, resultForOutsideIp: 'permerror' });
  });

  it('a DNS failure is inconclusive, never a pass or "missing"', async () => {
    const { ids, run, facts } = await probe('servfail.x.test');
    expect(run.status).toBe('error');
    expect(run.reason).toMatch(/^inconclusive: DNS errors: .*TXT servfail\.x\.test: ESERVFAIL/);
    expect(ids).toEqual([]);
    expect(facts.resultForOutsideIp).toBe('temperror');
  });
});
