// The TLSA client against the lab DNS server (which does not sign: AD is 0) and against tiny raw
// responders on loopback that set AD, send strays, or never answer.
import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsServerAddresses, lookupTlsa, type TlsaLookupOptions } from '../../../../main/dns/tlsa/tlsa-client.js';
import { encodeTlsaRdata, TLSA_TYPE, type TlsaRecord } from '../../../../main/dns/tlsa/tlsa-record.js';
import { startLabDns, type LabDnsServer } from '../../../support/lab-dns.js';

const { Packet } = dns2;
/** dns2 reads and writes the AD bit; its typings omit it. */
type DnssecHeader = dns2.Packet.Header & { ad: 0 | 1 };
const eeKey: TlsaRecord = { usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) };
const taCert: TlsaRecord = { usage: 2, selector: 0, matchingType: 2, data: 'cd'.repeat(64) };
/** 20 SHA-512 records: about 1.5 KB, more than the 1232 bytes the client accepts over UDP. */
const many = Array.from({ length: 20 }, (_, i): TlsaRecord => ({ usage: 3, selector: 0, matchingType: 2, data: i.toString(16).padStart(2, '0').repeat(64) }));

let dns: LabDnsServer;
beforeAll(async () => {
  dns = await startLabDns({
    '_25._tcp.mx.lab.test': { TLSA: [eeKey, { ...taCert, data: taCert.data.toUpperCase() }] },
    '_25._tcp.alias.lab.test': { CNAME: '_25._tcp.mx.lab.test' },
    '_25._tcp.many.lab.test': { TLSA: many },
    'mx.lab.test': { A: ['127.0.0.1'] },
    '_25._tcp.broken.lab.test': { rcode: 'SERVFAIL' },
    '_25._tcp.slow.lab.test': { TLSA: [eeKey], delayMs: 1000 },
  });
});
afterAll(() => dns?.stop());

const opts = (servers: string[], extra: Partial<TlsaLookupOptions> = {}): TlsaLookupOptions => ({ servers, timeoutMs: 500, tries: 2, ...extra });

describe('TLSA lookup against the lab DNS server', () => {
  it('reads the records (hex in lower case) and AD=0 from a server that does not sign', async () => {
    const r = await lookupTlsa('_25._tcp.mx.lab.test', opts([dns.server]));
    expect(r).toEqual({ records: [eeKey, taCert], authenticated: false, nxdomain: false, server: dns.server, transport: 'udp' });
  });

  it('follows a CNAME the server resolved', async () => {
    expect((await lookupTlsa('_25._tcp.alias.lab.test', opts([dns.server]))).records).toEqual([eeKey, taCert]);
  });

  it('no TLSA: NXDOMAIN and an existing name without TLSA both give no records', async () => {
    expect(await lookupTlsa('_25._tcp.none.lab.test', opts([dns.server]))).toMatchObject({ records: [], nxdomain: true });
    expect(await lookupTlsa('mx.lab.test', opts([dns.server]))).toMatchObject({ records: [], nxdomain: false });
  });

  it('asks again over TCP when the UDP reply is truncated', async () => {
    const r = await lookupTlsa('_25._tcp.many.lab.test', opts([dns.server]));
    expect(r.transport).toBe('tcp');
    expect(r.records).toEqual(many);
  });

  it('SERVFAIL and silence are errors naming the server, after every try', async () => {
    await expect(lookupTlsa('_25._tcp.broken.lab.test', opts([dns.server]))).rejects.toThrow(`TLSA _25._tcp.broken.lab.test: ${dns.server}: SERVFAIL`);
    const before = dns.queries();
    const started = performance.now();
    await expect(lookupTlsa('_25._tcp.slow.lab.test', opts([dns.server], { timeoutMs: 200 }))).rejects.toThrow(/no reply within 200 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(performance.now() - started).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 1100)); // the lab answers late; count both questions
    expect(dns.queries() - before).toBe(2);
  });

  it('the lab refuses TLSA zone data that is not hex or out of range', async () => {
    await expect(startLabDns({ '_25._tcp.x.test': { TLSA: [{ ...eeKey, data: 'abc' }] } })).rejects.toThrow(/expected hex/);
    await expect(startLabDns({ '_25._tcp.x.test': { TLSA: [{ ...eeKey, usage: 256 }] } })).rejects.toThrow(/255/);
  });

  it('stops at once when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('check finished')), 50);
    const started = performance.now();
    await expect(lookupTlsa('_25._tcp.slow.lab.test', opts([dns.server], { timeoutMs: 5000, signal: controller.signal }))).rejects.toThrow('check finished');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('TLSA lookup against raw responders', () => {
  const sockets: dgram.Socket[] = [];
  /** A UDP responder on loopback; `answer` gets each query dns2 parsed and returns datagrams to send. */
  async function responder(answer: (query: dns2.Packet) => Buffer[], port = 0): Promise<string> {
    const socket = dgram.createSocket('udp4');
    sockets.push(socket);
    socket.on('message', (msg, peer) => {
      for (const out of answer(Packet.parse(msg))) socket.send(out, peer.port, peer.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', resolve);
    });
    return `127.0.0.1:${socket.address().port}`;
  }
  afterAll(() => sockets.forEach((s) => s.close()));

  const validatingAnswer = (query: dns2.Packet, id = query.header.id) => {
    const p = Packet.createResponseFromRequest(query);
    p.header.id = id;
    // A validating resolver sets AD only for a client that asked with AD or DO (RFC 6840 5.7).
    const asked = (query.header as DnssecHeader).ad || query.additionals.some((r) => r.type === Packet.TYPE.EDNS && (r as unknown as { doFlag: boolean }).doFlag);
    (p.header as DnssecHeader).ad = asked ? 1 : 0;
    p.answers = [{ name: query.questions[0].name, type: TLSA_TYPE, class: 1, ttl: 60, data: encodeTlsaRdata(eeKey) } as unknown as dns2.Packet.Resource];
    return p.toBuffer();
  };

  it('reports AD=1 from a resolver that validated the answer', async () => {
    const server = await responder((query) => [validatingAnswer(query)]);
    const r = await lookupTlsa('_25._tcp.mx.example.com', opts([server]));
    expect(r).toMatchObject({ records: [eeKey], authenticated: true, server });
  });

  it('ignores a reply with another id (a spoof or a stray) and takes the real one', async () => {
    const server = await responder((query) => [validatingAnswer(query, query.header.id ^ 0xffff), validatingAnswer(query)]);
    expect(await lookupTlsa('_25._tcp.mx.example.com', opts([server]))).toMatchObject({ records: [eeKey], authenticated: true });
  });

  it('a truncated reply, then a TCP server that hangs up: an error, not an empty answer', async () => {
    // TCP first on a free port, then UDP on the same number (the two port spaces are separate,
    // so a port free for TCP is almost always free for UDP; other tests run in parallel).
    const tcp = net.createServer((socket) => socket.end(Buffer.from([0x00])));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const server = await responder((query) => {
      const p = Packet.createResponseFromRequest(query);
      p.header.tc = 1;
      return [p.toBuffer()];
    }, (tcp.address() as net.AddressInfo).port);
    try {
      await expect(lookupTlsa('_25._tcp.mx.example.com', opts([server], { tries: 1 }))).rejects.toThrow(/TCP connection closed before a full reply/);
    } finally {
      tcp.close();
    }
  });

  it('a closed port fails at once with the reason', async () => {
    const started = performance.now();
    await expect(lookupTlsa('_25._tcp.mx.example.com', opts(['127.0.0.1:1'], { timeoutMs: 2000 }))).rejects.toThrow('127.0.0.1:1: recvmsg ECONNREFUSED');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('moves to the next server when one stays silent', async () => {
    const silent = await responder(() => []);
    const good = await responder((query) => [validatingAnswer(query)]);
    expect(await lookupTlsa('_25._tcp.mx.example.com', opts([silent, good], { timeoutMs: 200 }))).toMatchObject({ server: good });
  });
});

describe('DNS servers of the resolver', () => {
  it('reads ip, ip:port and [ipv6]:port, and the system servers for ["system"]', () => {
    expect(dnsServerAddresses(['192.0.2.1', '127.0.0.1:5353', '::1', '[::1]:5353'])).toEqual([
      { address: '192.0.2.1', port: 53 },
      { address: '127.0.0.1', port: 5353 },
      { address: '::1', port: 53 },
      { address: '::1', port: 5353 },
    ]);
    expect(dnsServerAddresses(['system'])).toEqual(dnsServerAddresses(getServers()));
    expect(() => dnsServerAddresses(['dns.example'])).toThrow(/invalid DNS server/);
    expect(() => dnsServerAddresses(['127.0.0.1:0'])).toThrow(/invalid DNS server/);
  });
});
