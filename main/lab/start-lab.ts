// The lab: the reference gateway in lab mode with everything it and the probe need, on
// loopback, offline: the embedded DNS server (domain, SPF, DMARC, MTA-STS, TLS-RPT, TLSA, PTR,
// block list), a generated CA and server certificate, and the MTA-STS policy host. stop()
// leaves no listener, timer or temporary file behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../gateway/server.js';
import { startLabDns, type LabDnsServer } from '../dns/lab-dns-server.js';
import { createResolver, type DnsResolver } from '../net/resolver.js';
import { makeLabPki, type LabPki } from './lab-pki.js';
import { startPolicyServer, type PolicyServer } from './mta-sts-server.js';
import { mtaStsPolicy, referenceZones } from './reference-zones.js';
import { lateResolver } from './late-resolver.js';
import type { ZoneData } from '../dns/zone-data.js';

import { LAB_BLOCK_LIST, LAB_DOMAIN, LAB_GROUP, LAB_HOSTNAME, LAB_USERS } from './lab-names.js';

export { LAB_BLOCK_LIST, LAB_DOMAIN, LAB_GROUP, LAB_HOSTNAME, LAB_USERS };

export interface LabOptions {
  /** Loopback address for every listener (default 127.0.0.1). */
  address?: string;
  /** Fixed ports; 0 or absent = ephemeral. */
  smtpPort?: number;
  dnsPort?: number;
  mtaStsPort?: number;
  /** Gateway configuration merged over the lab's; a layer's options refine the lab's for that layer. */
  gateway?: Record<string, unknown>;
  /** Working directory (store, certificates); a temporary one, removed by stop(), when absent. */
  dir?: string;
  /** Changes the lab zones before the DNS server starts (tests of a broken lab). */
  editZones?: (zones: ZoneData) => ZoneData;
}

export interface Lab {
  gateway: Gateway;
  dns: LabDnsServer;
  policy: PolicyServer;
  pki: LabPki;
  /** A resolver asking the lab DNS only. */
  resolver: DnsResolver;
  hostname: string;
  domain: string;
  users: string[];
  dir: string;
  stop(): Promise<void>;
}

export async function startLab(o: LabOptions = {}): Promise<Lab> {
  const address = o.address ?? '127.0.0.1';
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'mxaudit-lab-')));
  const owned = !o.dir;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
    if (owned) await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await makeLabPki(dir, [LAB_HOSTNAME, `mta-sts.${LAB_DOMAIN}`]);
    const policy = await startPolicyServer({ host: address, port: o.mtaStsPort, key: pki.key, cert: pki.cert, policy: mtaStsPolicy(LAB_HOSTNAME) });
    stops.push(() => policy.stop());
    const late = lateResolver();
    const gateway = await startGateway(labGatewayConfig(address, dir, pki, o), { resolver: late.resolver });
    stops.push(() => gateway.stop(0));
    const stsId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const standard = referenceZones({ hostname: LAB_HOSTNAME, domain: LAB_DOMAIN, address, smtpPort: gateway.port, spkiSha256: pki.spkiSha256, stsId });
    const zones = o.editZones ? o.editZones(standard) : standard;
    const dns = await startLabDns(zones, { address, port: o.dnsPort });
    stops.push(() => dns.stop());
    late.attach(createResolver([dns.server]));
    return { gateway, dns, policy, pki, resolver: createResolver([dns.server]), hostname: LAB_HOSTNAME, domain: LAB_DOMAIN, users: LAB_USERS, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The gateway's defaults (the hardened posture) plus what the lab needs, as `gateway --lab` does. */
function labGatewayConfig(address: string, dir: string, pki: LabPki, o: LabOptions): Record<string, unknown> {
  const groups = { [LAB_GROUP]: { members: LAB_USERS, restricted: true } };
  const extra = o.gateway ?? {};
  const lab: Record<string, Record<string, unknown>> = {
    // The XCLIENT peer is a front proxy: the clients it presents are filtered and rate-limited,
    // not the proxy itself (else a probe plus --traffic would pass 60 connections a minute).
    'connection-filter': { providers: [{ zone: LAB_BLOCK_LIST, info: 'See the mxaudit lab block list' }], queryPrivateAddresses: true, allow: [address] },
    'recipient-lookup': { directory: { users: LAB_USERS, groups } },
    'restricted-groups': { groups },
  };
  // As in `gateway --lab`: a config's options for a layer refine the lab's (a tarpit setting
  // keeps the lab directory).
  const own = (extra.layers ?? {}) as Record<string, unknown>;
  const layers: Record<string, unknown> = { ...lab, ...own };
  for (const [id, options] of Object.entries(own)) if (lab[id] && options && typeof options === 'object' && !Array.isArray(options)) layers[id] = { ...lab[id], ...options };
  return {
    hostname: LAB_HOSTNAME,
    domains: [LAB_DOMAIN],
    storeDir: join(dir, 'store'),
    tls: { enabled: true, key: pki.keyFile, cert: pki.certFile },
    // XCLIENT from loopback lets the traffic generator present outside addresses. Loopback is
    // not internal here: the probe connects from it and must be judged as an outsider would be.
    xclientPeers: [address],
    internalNetworks: [],
    ...extra,
    // Always the lab's loopback listener: its zones and the probe point there (--smtp-port sets the port).
    listen: { host: address, port: o.smtpPort ?? 0 },
    layers,
  };
}
