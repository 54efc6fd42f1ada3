// Connection filtering (the talk, Exchange 2003): several DNS block lists with a weight and a
// reply each, a threshold, an allow list, self-tested lists (RFC 5782), and per-IP connection
// limits (421 4.7.0). A listed client is refused at RCPT by default, so it can still reach
// postmaster, or instead of the banner (554) in connect mode, after which the listener answers
// 503 to every command until QUIT (server.ts). Internal and authenticated clients are never filtered.
import net from 'node:net';
import { defineLayer, CONTINUE, type LayerContext, type Verdict } from '../define-layer.js';
import type { GatewaySession } from '../session.js';
import { isLocalDomain, localPartOf, normalizeAddress } from '../address.js';
import { isPublicAddress } from '../../dns/dnsbl/address.js';
import { ConnectionFilterOptions, parseNetwork } from '../connection/options.js';
import { describeScore, scoreAddress, type DnsblScore } from '../connection/dnsbl-score.js';
import { fillTemplate } from '../connection/reply-template.js';
import { newHealthState, zoneHealth, type HealthState, type ZoneHealth } from '../connection/zone-health.js';
import { admit, newClientCounters, release, type ClientCounters } from '../connection/client-limits.js';
import { cachedDnsblQuery, type CachedQuery } from '../connection/dnsbl-cache.js';

export interface ConnectionFilterState {
  allow: net.BlockList;
  health: HealthState;
  clients: ClientCounters;
  /** Block-list answers, cached by TTL (made at first use, with the gateway's resolver). */
  dnsbl: CachedQuery | null;
  /** The block list score of a session, asked once however many recipients follow. */
  scores: WeakMap<GatewaySession, Promise<DnsblScore | null>>;
}

type Ctx = LayerContext<ConnectionFilterOptions, ConnectionFilterState>;

/** What the operator needs to see: each list's self-test state, and the changes so far. */
export function connectionFilterStatus(state: ConnectionFilterState): { zones: ZoneHealth[]; alerts: string[] } {
  return { zones: zoneHealth(state.health), alerts: [...state.health.alerts] };
}

function allowList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const { address, prefix, family } of entries.map((e) => parseNetwork(e)!)) list.addSubnet(address, prefix, family);
  return list;
}

function exempt(ctx: Ctx): boolean {
  const ip = ctx.session.remoteAddress;
  const family = net.isIP(ip);
  return ctx.session.internal || ctx.session.authenticated || (family !== 0 && ctx.state.allow.check(ip, family === 4 ? 'ipv4' : 'ipv6'));
}

/** The session's score, or null when no list may be asked about this client. */
function scoreOf(ctx: Ctx): Promise<DnsblScore | null> {
  const { session, options, state } = ctx;
  let score = state.scores.get(session);
  if (score) return score;
  const ip = session.remoteAddress;
  const askable = net.isIP(ip) !== 0 && options.providers.length > 0 && (options.queryPrivateAddresses || isPublicAddress(ip));
  // Not through ctx.resolver.query: it caches for the life of the resolver, and a gateway
  // lives longer than a listing (or a list's outage) does. Ours follows the answers' TTLs.
  state.dnsbl ??= cachedDnsblQuery(ctx.resolver.raw, ctx.now);
  const env = { query: state.dnsbl.query, selfTestQuery: (name: string) => ctx.resolver.raw.resolve4(name), health: state.health, now: ctx.now, selfTestIntervalMs: options.selfTestMinutes * 60_000 };
  score = (askable ? scoreAddress(ip, options.providers, options.threshold, env) : Promise.resolve(null)).then((s) => {
    // For later layers (spam scoring), also when below the threshold.
    if (s) session.marks.dnsbl = { score: s.score, listedBy: s.listings.map((l) => l.provider.zone) };
    return s;
  });
  state.scores.set(session, score);
  return score;
}

function excepted(to: string, exceptions: readonly string[], localDomains: readonly string[]): boolean {
  const a = normalizeAddress(to);
  return exceptions.some((e) => (e.includes('@') ? normalizeAddress(e) === a : isLocalDomain(a, localDomains) && localPartOf(a) === e.toLowerCase()));
}

export default defineLayer({
  id: 'connection-filter',
  title: 'Connection filtering (block lists, allow list, per-IP limits)',
  options: ConnectionFilterOptions,
  init: (o): ConnectionFilterState => ({ allow: allowList(o.allow), health: newHealthState(), clients: newClientCounters(), dnsbl: null, scores: new WeakMap() }),
  hooks: {
    async connect(ctx): Promise<Verdict> {
      const ip = ctx.session.remoteAddress;
      if (exempt(ctx)) {
        release(ctx.state.clients, ctx.session.id); // XCLIENT may replace a counted client by an exempt one
        return CONTINUE;
      }
      const o = ctx.options;
      const limited = admit(ctx.state.clients, ctx.session.id, ip, ctx.now(), { ...o, rateWindowMs: o.rateWindowSeconds * 1000 });
      if (limited) return { action: 'tempfail', code: 421, enhanced: '4.7.0', text: `${limited}, try again later`, reason: limited };
      if (o.mode !== 'connect') return CONTINUE;
      const s = await scoreOf(ctx);
      if (!s?.refusal) return CONTINUE;
      const r = fillTemplate(s.refusal, ip);
      // At connect the only refusals are 554 and 421 (RFC 5321 3.1, 4.2.5).
      const permanent = r.code >= 500;
      return { action: permanent ? 'reject' : 'tempfail', code: permanent ? 554 : 421, enhanced: r.enhanced, text: r.text, reason: describeScore(ip, s, o.threshold) };
    },
    async rcpt(ctx, to): Promise<Verdict> {
      if (ctx.options.mode !== 'rcpt' || exempt(ctx) || excepted(to, ctx.options.exceptRecipients, ctx.localDomains)) return CONTINUE;
      const s = await scoreOf(ctx);
      if (!s?.refusal) return CONTINUE;
      const r = fillTemplate(s.refusal, ctx.session.remoteAddress);
      return { action: r.code >= 500 ? 'reject' : 'tempfail', ...r, reason: describeScore(ctx.session.remoteAddress, s, ctx.options.threshold) };
    },
    close(ctx): void {
      release(ctx.state.clients, ctx.session.id);
    },
  },
});
