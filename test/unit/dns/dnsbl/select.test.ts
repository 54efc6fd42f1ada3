// Which lists are asked: defaults for a public address, the user's zones, never a public list
// for an address none can hold.
import { describe, expect, it } from 'vitest';
import { selectZones } from '../../../../main/dns/dnsbl/select.js';
import { DEFAULT_ZONES } from '../../../../main/dns/dnsbl/zones.js';

const zonesOf = (s: ReturnType<typeof selectZones>) => ('zones' in s ? s.zones.map((z) => z.zone) : s.notApplicable);

describe('selectZones', () => {
  it('a public address: the defaults plus the user zones, each once', () => {
    const zones = zonesOf(selectZones('192.0.2.1', { rblZones: ['zen.spamhaus.org', 'BL.lab.test.'] }));
    expect(zones).toEqual([...DEFAULT_ZONES.map((z) => z.zone), 'bl.lab.test']);
  });

  it('rblOnly: the user zones and nothing else', () => {
    expect(zonesOf(selectZones('192.0.2.1', { rblZones: ['bl.lab.test'], rblOnly: true }))).toEqual(['bl.lab.test']);
    expect(zonesOf(selectZones('192.0.2.1', { rblOnly: true }))).toMatch(/no zone was given/);
  });

  it('a loopback or private address is never sent to the public lists', () => {
    expect(zonesOf(selectZones('127.0.0.5', { rblZones: ['bl.lab.test'] }))).toEqual(['bl.lab.test']);
    expect(zonesOf(selectZones('10.0.0.1', {}))).toMatch(/private, loopback or link-local/);
  });

  it('an IPv6 address goes only to lists that answer IPv6; dead lists stay, to be reported', () => {
    const zones = zonesOf(selectZones('2001:db8::1', { rblZones: ['dnsbl.sorbs.net'] })) as string[];
    expect(zones).toEqual([...DEFAULT_ZONES.filter((z) => z.families.includes('ipv6')).map((z) => z.zone), 'dnsbl.sorbs.net']);
    expect(zones).not.toContain('bl.spamcop.net');
  });

  it('an invalid zone name throws', () => {
    expect(() => selectZones('192.0.2.1', { rblZones: ['not a zone'] })).toThrow(/invalid block list zone/);
  });
});
