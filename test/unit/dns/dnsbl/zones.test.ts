// The catalog: a maintained default set, provider rules for user zones, dead lists.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZONES, GENERIC_ERRORS, describeZone, normalizeZone, parseRblZones } from '../../../../main/dns/dnsbl/zones.js';

describe('default block lists', () => {
  it('has at least 15 live, distinct, well-formed zones, some answering IPv6', () => {
    expect(DEFAULT_ZONES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(DEFAULT_ZONES.map((z) => z.zone)).size).toBe(DEFAULT_ZONES.length);
    for (const z of DEFAULT_ZONES) {
      expect(z.dead).toBeUndefined();
      expect(normalizeZone(z.zone)).toBe(z.zone);
      expect(z.url).toMatch(/^https:\/\//);
      expect(z.families).toContain('ipv4');
    }
    expect(DEFAULT_ZONES.filter((z) => z.families.includes('ipv6')).map((z) => z.zone)).toEqual(
      expect.arrayContaining(['zen.spamhaus.org', 'dnsbl.dronebl.org']),
    );
  });

  it('documents what each return code means, in 127/8, and no code is both a listing and an error', () => {
    for (const z of DEFAULT_ZONES) {
      expect(Object.keys(z.codes).length).toBeGreaterThan(0);
      for (const [code, meaning] of Object.entries({ ...z.codes, ...z.errors })) {
        expect(code).toMatch(/^127\.\d+\.\d+\.\d+$/);
        expect(meaning.length).toBeGreaterThan(5);
      }
      expect(Object.keys(z.codes).filter((c) => c in z.errors)).toEqual([]);
      expect(z.errors).toMatchObject(GENERIC_ERRORS);
    }
  });

  it('knows the Spamhaus ZEN codes and error answers', () => {
    const zen = describeZone('zen.spamhaus.org');
    expect(zen.codes['127.0.0.4']).toMatch(/^XBL/);
    expect(zen.codes['127.0.0.10']).toMatch(/^PBL/);
    expect(Object.keys(zen.errors)).toEqual(['127.255.255.252', '127.255.255.254', '127.255.255.255', '127.0.1.255']);
  });
});

describe('describeZone', () => {
  it('matches provider rules on a parent domain: Spamhaus zones and DQS key zones', () => {
    expect(describeZone('xbl.spamhaus.org')).toMatchObject({ zone: 'xbl.spamhaus.org', name: 'Spamhaus' });
    const dqs = describeZone('abc123.zen.dq.spamhaus.net');
    expect(dqs).toMatchObject({ zone: 'abc123.zen.dq.spamhaus.net', name: 'Spamhaus DQS' });
    expect(dqs.errors['127.255.255.254']).toMatch(/public or open resolver/);
  });

  it('flags every SORBS zone (shut down 2024-06-05) and other dead lists', () => {
    expect(describeZone('dnsbl.sorbs.net').dead).toMatch(/2024-06-05/);
    expect(describeZone('spam.dnsbl.sorbs.net').dead).toMatch(/2024-06-05/);
    expect(describeZone('dnsbl.njabl.org').dead).toBeDefined();
    expect(describeZone('notsorbs.net').dead).toBeUndefined();
  });

  it('gives an unknown zone no code meanings but the generic error codes', () => {
    expect(describeZone('bl.lab.test')).toEqual({ zone: 'bl.lab.test', name: 'bl.lab.test', families: ['ipv4', 'ipv6'], codes: {}, errors: GENERIC_ERRORS });
  });
});

describe('parseRblZones (--rbl zone[,zone])', () => {
  it('normalizes and de-duplicates', () => {
    expect(parseRblZones(' BL.Example.org., bl.example.org,rbl.lab.test ,')).toEqual(['bl.example.org', 'rbl.lab.test']);
  });
  it('refuses what is not a zone name', () => {
    expect(() => parseRblZones('bl.example.org,not a zone')).toThrow(/invalid block list zone "not a zone"/);
    expect(() => parseRblZones('192.0.2.1:53')).toThrow(/invalid block list zone/);
    expect(() => parseRblZones('localhost')).toThrow(/invalid block list zone/);
  });
});
