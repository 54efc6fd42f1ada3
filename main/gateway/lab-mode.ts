// Lab mode (`mxaudit gateway --lab` and the desktop app's gateway process): the embedded lab DNS
// with DNSBL and SPF zones, XCLIENT from loopback, a small directory, the pregreet test on
// loopback too, so every layer works offline.
import { startLabDns, type LabDnsServer } from '../dns/lab-dns-server.js';
import { labZones } from './lab-zones.js';

export interface LabMode {
  dns: LabDnsServer;
  /** The raw gateway config with the lab's defaults under it and its DNS server in it. */
  config: Record<string, unknown>;
}

/** Starts the lab DNS for `config` (raw, not yet validated) and returns the config to start the gateway with. */
export async function startLabMode(config: Record<string, unknown>): Promise<LabMode> {
  const listen = (config.listen as { host?: string } | undefined)?.host ?? '127.0.0.1';
  const hostname = (config.hostname as string | undefined) ?? 'mx.lab.test';
  const domain = ((config.domains as string[] | undefined) ?? ['lab.test'])[0];
  const dns = await startLabDns(labZones(hostname, domain, listen));
  // A small directory so the lab has somebody to deliver to; a config file may replace it.
  const groups = { [`all@${domain}`]: { members: [`alice@${domain}`, `bob@${domain}`], restricted: true } };
  const directory = { users: [`alice@${domain}`, `bob@${domain}`], groups };
  const lab: Record<string, Record<string, unknown>> = {
    // The lab block list lists documentation addresses, which public lists are never asked about.
    'connection-filter': { providers: [{ zone: 'bl.lab.test', info: 'See the mxaudit lab block list' }], queryPrivateAddresses: true },
  };
  // A config's options for a layer refine the lab's (a score setting keeps the lab block list).
  const own = (config.layers ?? {}) as Record<string, unknown>;
  const layers: Record<string, unknown> = { ...lab, ...own };
  for (const [id, options] of Object.entries(own)) if (lab[id] && options && typeof options === 'object') layers[id] = { ...lab[id], ...options };
  // Every connection takes the pregreet test, loopback included (the attack suite's early talker
  // connects from it): on loopback a bot's bytes arrive within a millisecond, 200 ms is ample.
  const earlyTalker = { greetWaitMs: 200, passTtlSeconds: 0, skipInternal: false };
  return { dns, config: { xclientPeers: ['127.0.0.1', '::1'], directory, earlyTalker, ...config, layers, dns: [dns.server] } };
}
