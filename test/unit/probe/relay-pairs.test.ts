import { describe, expect, it } from 'vitest';
import { relayPairs } from '../../../main/probe/relay-pairs.js';

describe('relayPairs', () => {
  const pairs = relayPairs({ domain: 'nmap.scanme.org', srvname: 'mx.lab.test', ipLiteral: '[192.0.2.1]', ownDomain: 'lab.test' });

  it("contains nmap's 16 pairs, in nmap's order", () => {
    const nmap = pairs.filter((p) => p.label.startsWith('nmap'));
    expect(nmap.map((p) => [p.from, p.to])).toEqual([
      ['', 'relaytest@nmap.scanme.org'],
      ['antispam@nmap.scanme.org', 'relaytest@nmap.scanme.org'],
      ['antispam@mx.lab.test', 'relaytest@nmap.scanme.org'],
      ['antispam@[192.0.2.1]', 'relaytest@nmap.scanme.org'],
      ['antispam@[192.0.2.1]', 'relaytest%nmap.scanme.org@[192.0.2.1]'],
      ['antispam@[192.0.2.1]', 'relaytest%nmap.scanme.org@mx.lab.test'],
      ['antispam@[192.0.2.1]', '"relaytest@nmap.scanme.org"'],
      ['antispam@[192.0.2.1]', '"relaytest%nmap.scanme.org"'],
      ['antispam@[192.0.2.1]', 'relaytest@nmap.scanme.org@[192.0.2.1]'],
      ['antispam@[192.0.2.1]', '"relaytest@nmap.scanme.org"@[192.0.2.1]'],
      ['antispam@[192.0.2.1]', 'relaytest@nmap.scanme.org@mx.lab.test'],
      ['antispam@[192.0.2.1]', '@[192.0.2.1]:relaytest@nmap.scanme.org'],
      ['antispam@[192.0.2.1]', '@mx.lab.test:relaytest@nmap.scanme.org'],
      ['antispam@[192.0.2.1]', 'nmap.scanme.org!relaytest'],
      ['antispam@[192.0.2.1]', 'nmap.scanme.org!relaytest@[192.0.2.1]'],
      ['antispam@[192.0.2.1]', 'nmap.scanme.org!relaytest@mx.lab.test'],
    ]);
  });

  it('adds the address literal and the own-domain spoof', () => {
    expect(pairs.find((p) => p.label === 'address literal')).toMatchObject({ to: 'relaytest@[192.0.2.1]', external: false });
    expect(pairs.find((p) => p.label === 'own-domain spoof')).toMatchObject({ from: 'postmaster@lab.test', to: 'relaytest@nmap.scanme.org', external: true });
  });

  it('leaves the spoof out when the domain is unknown', () => {
    expect(relayPairs({ domain: 'x.test', srvname: 'a', ipLiteral: '[1.2.3.4]', ownDomain: null })).toHaveLength(17);
  });
});
