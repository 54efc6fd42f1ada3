// DNS bench: the dnsbl check for 4 addresses against 20 zones, and the spf check on a tree of
// exactly 10 lookups, both on the embedded lab DNS server over loopback. Prints times and the
// questions the server saw: every question is asked once per run (the resolver caches).
import net from 'node:net';
import { startLabDns, type LabDnsServer } from '../main/dns/lab-dns-server.js';
import type { ZoneData } from '../main/dns/zone-data.js';
import { runProbe } from '../main/probe/engine.js';
import { createResolver } from '../main/net/resolver.js';
import { probeOptions } from '../main/probe/default-options.js';
import { fmtMs, median, renderTable } from './lib.js';

const ZONES = Array.from({ length: 20 }, (_, i) => `bl${i + 1}.lab.test`);
const ADDRESSES = ['127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.24'];

function dnsblZones(): ZoneData {
  const zones: ZoneData = {};
  for (const [i, zone] of ZONES.entries()) {
    zones[`2.0.0.127.${zone}`] = { A: ['127.0.0.2'], TXT: ['RFC 5782 test point'] };
    // Every fifth zone lists the second address, so TXT reasons are fetched too.
    if (i % 5 === 0) zones[`22.0.0.127.${zone}`] = { A: ['127.0.0.2'], TXT: [`listed by ${zone}`] };
  }
  return zones;
}

/** example.test -> include i1..i9 (9 lookups) + the a term of i9 = exactly 10 DNS-querying terms. */
function spfZones(): ZoneData {
  const zones: ZoneData = { 'spf.test': { TXT: ['v=spf1 include:i1.spf.test -all'] } };
  for (let i = 1; i <= 9; i++) {
    const next = i < 9 ? `include:i${i + 1}.spf.test` : 'a:host.spf.test';
    zones[`i${i}.spf.test`] = { TXT: [`v=spf1 ip4:198.51.100.${i} ${next} -all`] };
  }
  zones['host.spf.test'] = { A: ['198.51.100.100'] };
  return zones;
}

/** The engine checks TCP reachability of host targets: a listener per loopback address. */
async function listeners(): Promise<{ ports: number[]; close(): void }> {
  const servers = await Promise.all(
    ADDRESSES.map(
      (a) =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer((sock) => sock.on('error', () => {}).end('220 bench ESMTP\r\n'));
          s.listen(0, a, () => resolve(s));
        }),
    ),
  );
  return { ports: servers.map((s) => (s.address() as net.AddressInfo).port), close: () => servers.forEach((s) => s.close()) };
}

interface Measure {
  name: string;
  ms: number[];
  queries: number;
  distinct: number;
  cacheHits: number;
  note: string;
}

async function measure(dns: LabDnsServer, runs: number, name: string, once: (resolver: ReturnType<typeof createResolver>) => Promise<string>): Promise<Measure> {
  const ms: number[] = [];
  let last = { queries: 0, distinct: 0, cacheHits: 0, note: '' };
  for (let r = 0; r < runs; r++) {
    const before = dns.queries();
    const resolver = createResolver([dns.server], 2000, 1); // a fresh cache per run, as per assessment
    const t0 = performance.now();
    const note = await once(resolver);
    ms.push(performance.now() - t0);
    // The resolver's cache misses are the distinct questions; anything more the server saw was asked twice.
    last = { queries: dns.queries() - before, distinct: resolver.stats().queries, cacheHits: resolver.stats().cacheHits, note };
  }
  return { name, ms, ...last };
}

export async function runDnsBench(runs: number): Promise<number> {
  const dns = await startLabDns({ ...dnsblZones(), ...spfZones() });
  const tcp = await listeners();
  try {
    const dnsbl = await measure(dns, runs, 'dnsbl: 4 addresses x 20 zones', async (resolver) => {
      const a = await runProbe({
        targets: ADDRESSES.map((address, i) => ({ host: address, port: tcp.ports[i] })),
        domain: null,
        checks: ['dnsbl'],
        options: probeOptions({ rblZones: ZONES, rblOnly: true }),
        resolver,
      });
      const listed = a.findings.filter((f) => f.id === 'dns.rbl-listed').length;
      const statuses = a.checks.map((c) => c.status).join(',');
      return `${listed} listings found (expected 4); check statuses ${statuses}`;
    });
    const spf = await measure(dns, runs, 'spf: tree of 10 lookups', async (resolver) => {
      const a = await runProbe({ targets: [], domain: 'spf.test', checks: ['spf'], options: probeOptions(), resolver });
      const facts = a.domainFacts.spf as { lookups: number; resultForOutsideIp: string } | undefined;
      return `lookups counted ${facts?.lookups} (expected 10), outside IP ${facts?.resultForOutsideIp}, findings ${a.findings.map((f) => f.id).join(',') || 'none'}`;
    });
    const rows = [dnsbl, spf].map((m) => [m.name, fmtMs(median(m.ms)), fmtMs(Math.min(...m.ms)), String(m.queries), String(m.queries - m.distinct), String(m.cacheHits), m.note]);
    console.log(`\nDNS bench (${runs} runs each, median; lab DNS server on ${dns.server})`);
    console.log(renderTable(['job', 'median ms', 'min ms', 'queries sent', 'redundant', 'cache hits', 'result'], rows));
    const redundant = dnsbl.queries - dnsbl.distinct + (spf.queries - spf.distinct);
    console.log(redundant === 0 ? 'no redundant query: every question was asked once per run' : `WARNING: ${redundant} redundant queries`);
    return redundant === 0 ? 0 : 1;
  } finally {
    tcp.close();
    await dns.stop();
  }
}
