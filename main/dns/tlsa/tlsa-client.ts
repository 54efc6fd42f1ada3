// Asks one TLSA question of the run's resolver: node 20's Resolver has no TLSA and dns2's client
// has no TCP timeout. UDP first, TCP when the reply is truncated (RFC 7766); every exchange has
// its own deadline, replies are at most 64 KiB by construction, and at most MAX_SERVERS x tries
// exchanges are made.
import dgram from 'node:dgram';
import net from 'node:net';
import { getServers } from 'node:dns';
import { randomInt } from 'node:crypto';
import { decodeReply, encodeQuery, MalformedReply, type DnsQuestion, type DnsReply } from './dns-message.js';
import { decodeTlsaRdata, TLSA_TYPE, type TlsaRecord } from './tlsa-record.js';

export interface DnsServerAddress {
  address: string;
  port: number;
}

export interface TlsaLookupOptions {
  /** As DnsResolver.servers holds them: `ip`, `ip:port`, `[ip]:port`, or ['system']. */
  servers: string[];
  /** Deadline of one exchange (UDP, or the TCP retry of a truncated reply). */
  timeoutMs: number;
  /** Rounds over the servers. */
  tries: number;
  signal?: AbortSignal;
}

export interface TlsaLookup {
  /** Empty when the name does not exist (NXDOMAIN) or has no TLSA record. */
  records: TlsaRecord[];
  /** The AD bit: the resolver says it validated the answer with DNSSEC. */
  authenticated: boolean;
  nxdomain: boolean;
  /** Server that answered, as `ip:port`, and over what. */
  server: string;
  transport: 'udp' | 'tcp';
}

export class DnsLookupError extends Error {}

/** A long system list must not stretch the lookup: the first servers are enough. */
const MAX_SERVERS = 3;
const RCODES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 4: 'NOTIMP', 5: 'REFUSED' };
const NOERROR = 0;
const NXDOMAIN = 3;

export async function lookupTlsa(name: string, opts: TlsaLookupOptions): Promise<TlsaLookup> {
  const servers = dnsServerAddresses(opts.servers).slice(0, MAX_SERVERS);
  if (!servers.length) throw new DnsLookupError('no DNS server to ask');
  const question = { name, type: TLSA_TYPE };
  const failures = new Set<string>();
  for (let round = 0; round < opts.tries; round++) {
    for (const server of servers) {
      opts.signal?.throwIfAborted();
      const where = formatServer(server);
      try {
        const { reply, transport } = await ask(server, question, opts);
        if (reply.rcode !== NOERROR && reply.rcode !== NXDOMAIN) throw new DnsLookupError(RCODES[reply.rcode] ?? `rcode ${reply.rcode}`);
        const records = reply.rdata.map(decodeTlsaRdata);
        return { records, authenticated: reply.authenticated, nxdomain: reply.rcode === NXDOMAIN, server: where, transport };
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        failures.add(`${where}: ${(err as Error).message}`);
      }
    }
  }
  throw new DnsLookupError(`TLSA ${name}: ${[...failures].join('; ')}`);
}

/** Explicit servers as given; ['system'] means the servers of the system's configuration. */
export function dnsServerAddresses(servers: string[]): DnsServerAddress[] {
  const specs = servers.length === 1 && servers[0] === 'system' ? getServers() : servers;
  return specs.map((spec) => {
    if (net.isIP(spec)) return { address: spec, port: 53 };
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec) ?? /^([\d.]+):(\d+)$/.exec(spec);
    const port = Number(m?.[2] ?? 53);
    if (!m || !net.isIP(m[1]) || !(port > 0 && port < 65536)) throw new DnsLookupError(`invalid DNS server "${spec}"`);
    return { address: m[1], port };
  });
}

const formatServer = (s: DnsServerAddress) => (s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`);

async function ask(server: DnsServerAddress, q: DnsQuestion, opts: TlsaLookupOptions): Promise<{ reply: DnsReply; transport: 'udp' | 'tcp' }> {
  const query = encodeQuery(randomInt(0x10000), q);
  const reply = await overUdp(server, query, q, opts);
  if (!reply.truncated) return { reply, transport: 'udp' };
  return { reply: await overTcp(server, query, q, opts), transport: 'tcp' };
}

function overUdp(server: DnsServerAddress, query: Buffer, q: DnsQuestion, opts: TlsaLookupOptions): Promise<DnsReply> {
  return exchange(opts, (settle) => {
    const socket = dgram.createSocket(net.isIPv6(server.address) ? 'udp6' : 'udp4');
    socket.on('error', (err) => settle(err));
    // The socket is connected, so only the server's datagrams arrive. One with another id is a
    // stray or a spoof (RFC 5452): ignored, not believed.
    socket.on('message', (msg: Buffer) => {
      if (msg.length < 2 || msg.readUInt16BE(0) !== query.readUInt16BE(0)) return;
      try {
        settle(null, decodeReply(msg, q));
      } catch (err) {
        settle(err as Error);
      }
    });
    socket.connect(server.port, server.address, () => socket.send(query));
    return () => socket.close();
  });
}

function overTcp(server: DnsServerAddress, query: Buffer, q: DnsQuestion, opts: TlsaLookupOptions): Promise<DnsReply> {
  return exchange(opts, (settle) => {
    const socket = net.connect({ host: server.address, port: server.port });
    const chunks: Buffer[] = [];
    let received = 0;
    /** Prefix plus message, known once the 2-byte length arrived; it caps a reply at 64 KiB. */
    let expected = -1;
    socket.on('connect', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (expected < 0 && received >= 2) expected = 2 + Buffer.concat(chunks).readUInt16BE(0);
      if (expected < 0 || received < expected) return;
      try {
        const reply = decodeReply(Buffer.concat(chunks, received).subarray(2, expected), q);
        if (reply.id !== query.readUInt16BE(0)) throw new MalformedReply('reply id differs from the query id');
        settle(null, reply);
      } catch (err) {
        settle(err as Error);
      }
    });
    socket.on('error', (err) => settle(err));
    socket.on('close', () => settle(new DnsLookupError('TCP connection closed before a full reply')));
    return () => socket.destroy();
  });
}

type Settle<T> = (err: Error | null, value?: T) => void;

/** One exchange under its deadline and the signal; the returned cleanup closes its socket whatever happens. */
function exchange<T>(opts: TlsaLookupOptions, start: (settle: Settle<T>) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: (() => void) | null = null;
    const settle: Settle<T> = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => settle(new DnsLookupError(`no reply within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    const onAbort = () => settle(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = start(settle);
    if (done) cleanup();
  });
}
