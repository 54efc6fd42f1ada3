// The connection filter's options (hardened defaults, what is refused) and its scoring:
// weights, the reply of the heaviest list, error answers never a listing.
import { describe, expect, it } from 'vitest';
import { ConnectionFilterOptions } from '../../../main/gateway/connection/options.js';
import { scoreAddress, type ScoreEnv } from '../../../main/gateway/connection/dnsbl-score.js';
import { fillTemplate } from '../../../main/gateway/connection/reply-template.js';
import { newHealthState } from '../../../main/gateway/connection/zone-health.js';

const problem = (input: unknown) => {
  const r = ConnectionFilterOptions.safeParse(input);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('ConnectionFilterOptions', () => {
  it('defaults: two known lists with their lookup page, refusal at RCPT, per-IP limits', () => {
    const o = ConnectionFilterOptions.parse(undefined);
    expect(o).toMatchObject({ mode: 'rcpt', threshold: 1, allow: [], exceptRecipients: ['postmaster'], queryPrivateAddresses: false, maxConnectionsPerIp: 10, maxConnectionRatePerIp: 60 });
    expect(o.providers).toEqual([
      { zone: 'zen.spamhaus.org', weight: 1, template: '550 5.7.1 E-mail rejected because {ip} is listed by {zone}. {info}', info: 'Please see https://check.spamhaus.org/ for more information.' },
      { zone: 'bl.spamcop.net', weight: 1, template: '550 5.7.1 E-mail rejected because {ip} is listed by {zone}. {info}', info: 'Please see https://www.spamcop.net/bl.shtml for more information.' },
    ]);
  });

  it('refuses templates that are not a reply line or use unknown placeholders, dead lists, bad networks', () => {
    expect(problem({ providers: [{ zone: 'bl.lab.test', template: 'rejected {ip}' }] })).toMatch(/^providers\.0\.template: expected a reply line/);
    expect(problem({ providers: [{ zone: 'bl.lab.test', template: '550 4.7.1 {ip} listed' }] })).toMatch(/^providers\.0\.template: expected a reply line/);
    expect(problem({ providers: [{ zone: 'bl.lab.test', template: '550 5.7.1 {ip} listed by {list}' }] })).toBe('providers.0.template: unknown placeholder; known: {ip} {zone} {info} {codes}');
    expect(problem({ providers: [{ zone: 'dnsbl.sorbs.net' }] })).toBe('providers.0.zone: dnsbl.sorbs.net must not be used: SORBS was shut down on 2024-06-05');
    expect(problem({ providers: [{ zone: 'not a zone' }] })).toMatch(/^providers\.0\.zone: invalid block list zone/);
    expect(problem({ allow: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'] })).toBeNull();
    expect(problem({ allow: ['192.0.2.0/33'] })).toMatch(/^allow\.0: expected an IP address or a CIDR prefix/);
    expect(problem({ mode: 'helo' })).toMatch(/^mode: /);
  });
});

describe('scoreAddress', () => {
  const providers = ConnectionFilterOptions.parse({
    providers: [
      { zone: 'a.lab.test', weight: 1 },
      { zone: 'b.lab.test', weight: 2, template: '554 5.7.1 {ip} in {zone} ({codes}) {info}' },
      { zone: 'c.lab.test', weight: 2 },
      { zone: 'refusing.lab.test', weight: 5 },
    ],
  }).providers;
  const answers: Record<string, string[]> = {
    '1.2.0.192.a.lab.test': ['127.0.0.2'],
    '1.2.0.192.b.lab.test': ['127.0.0.4', '127.0.0.2'],
    '1.2.0.192.c.lab.test': ['127.0.0.2'],
    '1.2.0.192.refusing.lab.test': ['127.255.255.254'],
  };
  const env: ScoreEnv = {
    query: async (name) => {
      if (name.startsWith('2.0.0.127.')) return ['127.0.0.2'];
      const a = answers[name];
      if (a) return a;
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    },
    health: newHealthState(),
    now: () => 0,
    selfTestIntervalMs: 60_000,
  };

  it('adds the weights of the lists that list the address; the heaviest, first configured, replies', async () => {
    const s = await scoreAddress('192.0.2.1', providers, 5, env);
    expect(s.score).toBe(5);
    expect(s.listings.map((l) => l.provider.zone)).toEqual(['a.lab.test', 'b.lab.test', 'c.lab.test']);
    expect(s.unused).toEqual(['refusing.lab.test: refused']);
    expect(s.refusal!.provider.zone).toBe('b.lab.test');
    expect(fillTemplate(s.refusal!, '192.0.2.1')).toEqual({ code: 554, enhanced: '5.7.1', text: '192.0.2.1 in b.lab.test (127.0.0.4, 127.0.0.2)' });
    expect((await scoreAddress('192.0.2.1', providers, 6, env)).refusal).toBeNull();
  });

  it('a clean address scores nothing', async () => {
    expect(await scoreAddress('192.0.2.200', providers, 1, env)).toEqual({ score: 0, listings: [], unused: [], refusal: null });
  });
});
