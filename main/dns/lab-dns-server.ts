// The embedded authoritative DNS server of the lab and the tests (dns2), bound to an explicit
// loopback address: fixture zones with A, AAAA, MX, multi-string TXT, PTR, CNAME, NS, TLSA,
// NXDOMAIN, SERVFAIL and deliberately slow answers.
import net from 'node:net';
import dns2 from 'dns2';
import { lookupName, normalizeZones, type NameRecords, type ZoneData } from './zone-data.js';
import { encodeTlsaRdata, TLSA_TYPE } from './tlsa/tlsa-record.js';

const { Packet } = dns2;

export interface LabDnsServer {
  /** `127.0.0.1:PORT`, ready for --dns and createResolver(). */
  server: string;
  address: string;
  port: number;
  /** Questions answered so far, for benchmarks and tests that count queries. */
  queries(): number;

  stop(): Promise<void>;
}

export interface LabDnsOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  address?: string;
  /** Port for both UDP and TCP; 0 picks a free one (default). */
  port?: number;
  ttl?: number;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export async function startLabDns(zones: ZoneData, opts: LabDnsOptions = {}): Promise<LabDnsServer> {
  const address = opts.address ?? '127.0.0.1';
  if (!net.isIP(address)) throw new Error(`lab DNS: listen address must be an IP address, got "${address}"`);
  const ttl = opts.ttl ?? 60;
  const table = normalizeZones(zones);
  let answered = 0;

  const timers = new Set<NodeJS.Timeout>();

  const handle: Parameters<typeof dns2.createServer>[0]['handle'] = (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    const [question] = request.questions;
    const records = question ? lookupName(table, question.name) : undefined;
    if (!question) response.header.rcode = RCODE.REFUSED;
    else if (!records) response.header.rcode = RCODE.NXDOMAIN;
    else if (records.rcode) response.header.rcode = RCODE[records.rcode];
    else response.answers.push(...(answerChain(table, question, records, ttl) as dns2.Packet.Resource[]));
    const reply = () => {
      answered++;
      void send(response).catch(() => {}); // the client may be gone; nothing to do
    };
    if (records?.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        reply();
      }, records.delayMs);
      timers.add(t);
    } else reply();
  };

  // dns2 listens on all interfaces when a TCP port is 0, so we pick a port on the explicit
  // address ourselves and use it for UDP and TCP. Another process may take it in between:
  // then we try another one (unless the caller fixed the port).
  let server: ReturnType<typeof dns2.createServer> | null = null;
  let port = 0;
  for (let attempt = 1; !server; attempt++) {
    port = opts.port || (await freePort(address));
    try {
      server = await listen(handle, address, port);
    } catch (err) {
      if (opts.port || attempt >= 5) throw new Error(`lab DNS: cannot listen on ${address}:${port}: ${(err as Error).message}`);
    }
  }
  return {
    server: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    address,
    port,
    queries: () => answered,

    stop: async () => {
      for (const t of timers) clearTimeout(t);
      await server!.close();
    },
  };
}

type DnsQuestion = { name: string; type: number };
// dns2 encodes plain records (as its README shows); its typings ask for class instances, and
// omit the raw rdata Buffer it writes for types it does not know (TLSA).
type Answer = Omit<dns2.Packet.Resource, 'toBuffer' | 'data'> & { data?: string | string[] | Buffer };

/**
 * A CNAME answers every type (RFC 1034 3.6.2); as an authoritative server for the target too,
 * we add the target's records to the answer, which is what stub resolvers expect.
 */
function answerChain(table: Map<string, NameRecords>, q: DnsQuestion, r: NameRecords, ttl: number): Answer[] {
  const out: Answer[] = [];
  let name = q.name;
  let records: NameRecords | undefined = r;
  for (let hops = 0; records && hops < 8; hops++) {
    if (!records.CNAME || q.type === Packet.TYPE.CNAME) return [...out, ...answers({ name, type: q.type }, records, ttl)];
    out.push({ name, class: Packet.CLASS.IN, ttl, type: Packet.TYPE.CNAME, domain: records.CNAME });
    name = records.CNAME;
    records = lookupName(table, name);
  }
  return out;
}

function answers(q: DnsQuestion, r: NameRecords, ttl: number): Answer[] {
  const base = { name: q.name, class: Packet.CLASS.IN, ttl };
  const T = Packet.TYPE;
  switch (q.type) {
    case T.A:
      return (r.A ?? []).map((address) => ({ ...base, type: T.A, address }));
    case T.AAAA:
      return (r.AAAA ?? []).map((address) => ({ ...base, type: T.AAAA, address }));
    case T.MX:
      return (r.MX ?? []).map((m) => ({ ...base, type: T.MX, priority: m.priority, exchange: m.exchange }));
    case T.TXT:
      return (r.TXT ?? []).map((t) => ({ ...base, type: T.TXT, data: Array.isArray(t) ? t : [t] }));
    case T.PTR:
      return (r.PTR ?? []).map((domain) => ({ ...base, type: T.PTR, domain }));
    case T.CNAME:
      return r.CNAME ? [{ ...base, type: T.CNAME, domain: r.CNAME }] : [];
    case T.NS:
      return (r.NS ?? []).map((ns) => ({ ...base, type: T.NS, ns }));
    // dns2 has no TLSA type: for a type it does not know, it writes `data` as the raw rdata.
    case TLSA_TYPE:
      return (r.TLSA ?? []).map((t) => ({ ...base, type: TLSA_TYPE, data: encodeTlsaRdata(t) }));
    default:
      return [];
  }
}

/** One server on one port; rejects (and closes) when either socket cannot bind. */
async function listen(handle: Parameters<typeof dns2.createServer>[0]['handle'], address: string, port: number) {
  const server = dns2.createServer({ udp: true, tcp: true, handle });
  server.on('requestError', () => {}); // a malformed packet must not take the lab down
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      server.close().catch(() => {});
      reject(err);
    };
    server.once('error', onError);
    server.listen({ udp: { port, address }, tcp: { port, address } }).then(() => {
      server.off('error', onError);
      server.on('error', () => {});
      resolve();
    }, onError);
  });
  return server;
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, address, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
