// Asks the configured block lists about one client address and weighs the answers: each list
// that lists it adds its weight; at the threshold the client is refused with the reply of the
// heaviest list that listed it (the first configured on a tie). Only zones that passed their
// self-test are asked; an error answer is never a listing.
import { dnsblQueryName, familyOf } from '../../dns/dnsbl/address.js';
import { classifyCodes, classifyError, listingMeaning } from '../../dns/dnsbl/classify.js';
import { describeZone } from '../../dns/dnsbl/zones.js';
import { checkedHealth, type AQuery, type HealthState } from './zone-health.js';

export interface Provider {
  zone: string;
  weight: number;
  /** Full reply line with placeholders, e.g. "550 5.7.1 E-mail rejected because {ip} is listed by {zone}. {info}". */
  template: string;
  info: string;
}

export interface Listing {
  provider: Provider;
  codes: string[];
  meaning: string;
}

export interface DnsblScore {
  score: number;
  listings: Listing[];
  /** Zones not believed for this address: self-test failed, or an error answer. */
  unused: string[];
  /** The listing whose reply is sent, when the score reached the threshold. */
  refusal: Listing | null;
}

export interface ScoreEnv {
  /** Questions about clients (may be cached). */
  query: AQuery;
  /** Questions of the RFC 5782 self-test: never cached, the test is of the list as it is now. */
  selfTestQuery?: AQuery;
  health: HealthState;
  now(): number;
  selfTestIntervalMs: number;
}

export async function scoreAddress(ip: string, providers: readonly Provider[], threshold: number, env: ScoreEnv): Promise<DnsblScore> {
  const family = familyOf(ip);
  const answers = await Promise.all(
    providers.map(async (provider) => {
      const zone = describeZone(provider.zone);
      if (!zone.families.includes(family)) return { provider, unused: `${provider.zone}: no ${family} queries` };
      const health = await checkedHealth(env.health, zone, family, env.selfTestQuery ?? env.query, env.now, env.selfTestIntervalMs);
      if (!health.ok) return { provider, unused: `${provider.zone}: disabled (${health.reason})` };
      const answer = await env.query(dnsblQueryName(ip, zone.zone)).then((codes) => classifyCodes(zone, codes), classifyError);
      if (answer.kind === 'listed') return { provider, listing: { provider, codes: answer.codes, meaning: listingMeaning(zone, answer.codes) } };
      return answer.kind === 'clean' ? { provider } : { provider, unused: `${provider.zone}: ${answer.kind}` };
    }),
  );
  const listings = answers.flatMap((a) => (a.listing ? [a.listing] : []));
  const score = listings.reduce((sum, l) => sum + l.provider.weight, 0);
  const heaviest = listings.reduce<Listing | null>((best, l) => (!best || l.provider.weight > best.provider.weight ? l : best), null);
  return { score, listings, unused: answers.flatMap((a) => (a.unused ? [a.unused] : [])), refusal: score >= threshold ? heaviest : null };
}

export function describeScore(ip: string, s: DnsblScore, threshold: number): string {
  const listed = s.listings.map((l) => `${l.provider.zone} (weight ${l.provider.weight}; ${l.meaning})`).join(', ');
  return `${ip} listed by ${listed || 'no list'}: score ${s.score}, threshold ${threshold}${s.unused.length ? `; not used: ${s.unused.join('; ')}` : ''}`;
}
