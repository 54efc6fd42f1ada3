// What the gateway process does: start the reference gateway (with the lab DNS in lab mode),
// stream its sessions and counters to main, stop on request. Transport-free: the entry binds it
// to process.send (fork) or process.parentPort (utilityProcess).
import { startGateway, type Gateway } from '../gateway/server.js';
import type { LabDnsServer } from '../dns/lab-dns-server.js';
import { startLabMode } from '../gateway/lab-mode.js';
import type { FromGatewayHost, ToGatewayHost } from './protocol.js';

/** Counters are pushed at most this often while sessions come in (a load test makes thousands). */
const COUNTERS_EVERY_MS = 250;
/** Sessions pushed per second at most; the rest are counted only (the UI shows the recent ones). */
const SESSIONS_PER_SECOND = 200;

export function gatewayHost(post: (m: FromGatewayHost) => void): (m: ToGatewayHost) => Promise<void> {
  let gateway: Gateway | null = null;
  let dns: LabDnsServer | null = null;
  let countersTimer: NodeJS.Timeout | null = null;
  let windowStart = 0;
  let sentInWindow = 0;

  const pushCounters = () => {
    countersTimer = null;
    if (gateway) post({ type: 'counters', counters: gateway.counters() });
  };

  return async (m) => {
    if (m.type === 'start') {
      if (gateway) return post({ type: 'failed', error: 'the gateway is already running' });
      try {
        let config = (m.config ?? {}) as Record<string, unknown>;
        if (m.lab) {
          const lab = await startLabMode(config);
          dns = lab.dns;
          config = lab.config;
        }
        gateway = await startGateway(config);
        gateway.events.on('session', (s, meta) => {
          const now = Date.now();
          if (now - windowStart > 1000) {
            windowStart = now;
            sentInWindow = 0;
          }
          if (sentInWindow++ < SESSIONS_PER_SECOND) {
            const endedAt = new Date().toISOString();
            post({ type: 'session', session: { id: s.id, remoteAddress: s.remoteAddress, helo: s.helo, authenticated: s.authenticated, listener: meta.listener, decisions: s.decisions, startedAt: meta.startedAt.toISOString(), endedAt } });
          }
          countersTimer ??= setTimeout(pushCounters, COUNTERS_EVERY_MS);
        });
        post({
          type: 'started',
          info: { host: gateway.host, port: gateway.port, domains: gateway.config.domains, storeDir: gateway.config.storeDir, labDns: dns?.server ?? null, xclient: gateway.config.xclientPeers.length > 0 },
        });
      } catch (err) {
        await dns?.stop().catch(() => {});
        dns = null;
        gateway = null;
        post({ type: 'failed', error: (err as Error).message });
      }
    } else if (m.type === 'traffic') {
      if (!gateway) return post({ type: 'traffic-done', id: m.id, stats: null, error: 'the gateway is not running' });
      try {
        const { runTraffic } = await import('../lab/traffic.js');
        const { stats } = await runTraffic({ host: gateway.host, port: gateway.port }, { messages: m.messages, domain: m.domain, users: m.users, gateway });
        post({ type: 'traffic-done', id: m.id, stats, error: null });
      } catch (err) {
        post({ type: 'traffic-done', id: m.id, stats: null, error: (err as Error).message });
      }
    } else if (m.type === 'stop') {
      if (countersTimer) clearTimeout(countersTimer);
      const g = gateway;
      gateway = null;
      await g?.stop(m.graceMs).catch(() => {});
      if (g) post({ type: 'counters', counters: g.counters() });
      await dns?.stop().catch(() => {});
      dns = null;
      post({ type: 'stopped' });
    }
  };
}
