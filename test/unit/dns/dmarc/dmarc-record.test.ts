import { describe, expect, it } from 'vitest';
import { DMARC_VERSION, parseDmarcRecord } from '../../../../main/dns/dmarc/dmarc-record.js';
import { parseTagList, selectRecord } from '../../../../main/dns/tag-list.js';

describe('parseDmarcRecord', () => {
  it('reads policy, subdomain policy, pct and report URIs, tag names and values in any case', () => {
    const r = parseDmarcRecord('v=DMARC1; P=Reject; sp=quarantine; pct=50; rua=mailto:a@x.test,mailto:b@y.test!10m; ruf=mailto:f@x.test; adkim=s; fo=1:d;');
    expect(r).toEqual({ policy: 'reject', subdomainPolicy: 'quarantine', pct: 50, rua: ['mailto:a@x.test', 'mailto:b@y.test!10m'], ruf: ['mailto:f@x.test'], errors: [] });
  });

  it('gives subdomains p= when sp= is absent, and pct 100 by default', () => {
    expect(parseDmarcRecord('v=DMARC1;p=none')).toMatchObject({ policy: 'none', subdomainPolicy: 'none', pct: 100, rua: [], errors: [] });
  });

  it('ignores unknown tags, as receivers must', () => {
    expect(parseDmarcRecord('v=DMARC1; p=reject; np=reject; psd=n').errors).toEqual([]);
  });

  it('reports every error: missing or bad p, bad sp, pct out of range, bad tag values', () => {
    expect(parseDmarcRecord('v=DMARC1; rua=mailto:a@x.test').errors).toEqual(['p= is missing (it is required)']);
    const r = parseDmarcRecord('v=DMARC1; p=block; sp=all; pct=150; adkim=x; fo=2; ri=soon');
    expect(r.policy).toBeNull();
    expect(r.subdomainPolicy).toBeNull();
    expect(r.pct).toBeNull();
    expect(r.errors).toEqual([
      'p=block is not none, quarantine or reject',
      'sp=all is not none, quarantine or reject',
      'adkim=x is not valid',
      'fo=2 is not valid',
      'ri=soon is not valid',
      'pct=150 is not an integer from 0 to 100',
    ]);
  });

  it('keeps only valid report URIs and names a bare address', () => {
    const r = parseDmarcRecord('v=DMARC1; p=none; rua=dmarc@x.test, mailto:ok@x.test; ruf=not a uri');
    expect(r.rua).toEqual(['mailto:ok@x.test']);
    expect(r.ruf).toEqual([]);
    expect(r.errors).toEqual(['rua entry "dmarc@x.test" is not a URI (mailto: is missing)', 'ruf entry "not a uri" is not a URI']);
  });

  it('flags repeated tags and fragments that are not tag=value', () => {
    expect(parseDmarcRecord('v=DMARC1; p=reject; p=none; reject').errors).toEqual(['tag p appears more than once', '"reject" is not tag=value']);
  });
});

describe('selecting the DMARC record among TXT records', () => {
  const select = (records: string[]) => selectRecord(records, DMARC_VERSION, '_dmarc.x.test');

  it('keeps the one record that begins with v=DMARC1 and ignores other TXT records', () => {
    expect(select(['google-site-verification=abc', 'v = DMARC1 ; p=none'])).toEqual({ record: 'v = DMARC1 ; p=none', ambiguous: false, errors: [] });
  });

  it('reports a record whose version tag is not first, or not in the exact case', () => {
    const r = select(['p=reject; v=DMARC1', 'v=dmarc1; p=reject']);
    expect(r.record).toBeNull();
    expect(r.errors).toEqual([
      '"p=reject; v=DMARC1" at _dmarc.x.test does not begin with v=DMARC1, so it is discarded',
      '"v=dmarc1; p=reject" at _dmarc.x.test does not begin with v=DMARC1, so it is discarded',
    ]);
  });

  it('uses none of several records', () => {
    expect(select(['v=DMARC1; p=reject', 'v=DMARC1; p=none'])).toEqual({
      record: null,
      ambiguous: true,
      errors: ['2 records at _dmarc.x.test begin with v=DMARC1: with more than one, none applies'],
    });
  });

  it('does not take v=DMARC10 for v=DMARC1', () => {
    expect(select(['v=DMARC10; p=reject']).record).toBeNull();
  });
});

describe('parseTagList', () => {
  it('splits on semicolons, trims, and accepts a trailing semicolon', () => {
    expect(parseTagList(' a=1 ;b = x y;; ')).toEqual({ tags: [{ name: 'a', value: '1' }, { name: 'b', value: 'x y' }], errors: [] });
  });
});
