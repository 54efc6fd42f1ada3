// The DNS wire format of the TLSA client, checked against dns2's independent implementation,
// and the parser's refusals of hostile replies.
import dns2 from 'dns2';
import { describe, expect, it } from 'vitest';
import { decodeReply, encodeQuery, EDNS_PAYLOAD, MalformedReply } from '../../../../main/dns/tlsa/dns-message.js';
import { TLSA_TYPE } from '../../../../main/dns/tlsa/tlsa-record.js';

const { Packet } = dns2;
const q = { name: '_25._tcp.mx.lab.test', type: TLSA_TYPE };
/** dns2 reads and writes the DNSSEC header bits; its typings omit them. */
type DnssecHeader = dns2.Packet.Header & { ad: 0 | 1; cd: 0 | 1 };

/** A reply built by dns2; answers are TLSA records of raw `data` unless they say otherwise. */
function reply(answers: Record<string, unknown>[], header: Partial<DnssecHeader> = {}): Buffer {
  const p = new Packet();
  p.header = new Packet.Header({ id: 7, qr: 1, rd: 1, ra: 1, ...header });
  p.questions = [{ name: q.name, type: TLSA_TYPE, class: 1 } as dns2.Packet.Question];
  p.answers = answers.map((a) => ({ name: q.name, type: TLSA_TYPE, class: 1, ttl: 60, ...a }) as unknown as dns2.Packet.Resource);
  return p.toBuffer();
}

describe('TLSA query', () => {
  it('is a recursive TLSA question with AD set and EDNS DO, as dns2 reads it', () => {
    const parsed = Packet.parse(encodeQuery(0xbeef, q));
    expect(parsed.header).toMatchObject({ id: 0xbeef, qr: 0, rd: 1, ad: 1, cd: 0, qdcount: 1, arcount: 1 });
    expect(parsed.questions).toEqual([expect.objectContaining({ name: q.name, type: 52, class: 1 })]);
    expect(parsed.additionals).toEqual([expect.objectContaining({ type: 41, class: EDNS_PAYLOAD, doFlag: true })]);
  });

  it('refuses names DNS cannot carry', () => {
    expect(() => encodeQuery(1, { name: `${'a'.repeat(64)}.test`, type: 52 })).toThrow(/invalid DNS name/);
    expect(() => encodeQuery(1, { name: 'a..test', type: 52 })).toThrow(/invalid DNS name/);
    expect(() => encodeQuery(1, { name: Array(130).fill('ab').join('.'), type: 52 })).toThrow(/longer than 255/);
  });
});

describe('TLSA reply', () => {
  it('reads id, TC, AD, rcode and the rdata of TLSA answers only (a CNAME before them is skipped)', () => {
    const cname = { type: Packet.TYPE.CNAME, domain: 'tlsa.lab.test' };
    const r = decodeReply(reply([cname, { data: Buffer.from('030101aa', 'hex') }], { ad: 1, tc: 1 }), q);
    expect(r).toEqual({ id: 7, truncated: true, authenticated: true, rcode: 0, rdata: [Buffer.from('030101aa', 'hex')] });
    expect(decodeReply(reply([], { rcode: 3 }), { ...q, name: '_25._TCP.MX.lab.test.' })).toMatchObject({ rcode: 3, authenticated: false, rdata: [] });
  });

  it('refuses a query, another question, and replies that end early', () => {
    const good = reply([{ data: Buffer.from('030101aa', 'hex') }]);
    expect(() => decodeReply(encodeQuery(7, q), q)).toThrow(/QR=0/);
    expect(() => decodeReply(good, { ...q, name: '_25._tcp.other.test' })).toThrow(/another question/);
    expect(() => decodeReply(good, { ...q, type: 1 })).toThrow(/another question/);
    for (const cut of [1, 5, 13, good.length - 20, good.length - 1]) expect(() => decodeReply(good.subarray(0, cut), q)).toThrow(MalformedReply);
  });

  it('refuses a compression pointer loop instead of following it forever', () => {
    const msg = Buffer.from(reply([]));
    msg.writeUInt16BE(0xc00c, 12); // the question name points at itself
    expect(() => decodeReply(msg, q)).toThrow(/compression pointers/);
  });
});
