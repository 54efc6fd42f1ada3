// One DNS question on the wire (RFC 1035 section 4.1) asking for the DNSSEC status, and a strict
// parser of the reply. Replies come from the network: every read is bounds-checked and a name
// follows at most MAX_POINTERS compression pointers, so a hostile packet can neither overrun nor loop.

/** EDNS payload we accept over UDP: the 2020 DNS flag day value, which avoids IP fragmentation. */
export const EDNS_PAYLOAD = 1232;

const CLASS_IN = 1;
const TYPE_OPT = 41;
const FLAG_QR = 0x8000;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_AD = 0x0020;
/** DO bit in the OPT record's TTL field (RFC 3225). */
const EDNS_DO = 0x8000;
const MAX_POINTERS = 16;

export interface DnsQuestion {
  name: string;
  type: number;
}

export interface DnsReply {
  id: number;
  /** TC: the reply did not fit in UDP; ask again over TCP. */
  truncated: boolean;
  /** AD: the resolver says it validated the answer with DNSSEC. */
  authenticated: boolean;
  rcode: number;
  /** Rdata of the answer-section records of the question's type and class IN. */
  rdata: Buffer[];
}

export class MalformedReply extends Error {}

/**
 * A recursive query with AD set (RFC 6840 section 5.7: a validating resolver then reports AD) and
 * EDNS with DO (RFC 3225), which older validating resolvers need before they report it.
 */
export function encodeQuery(id: number, q: DnsQuestion): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(FLAG_RD | FLAG_AD, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  const question = Buffer.alloc(4);
  question.writeUInt16BE(q.type, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  const opt = Buffer.alloc(11); // root name, TYPE, CLASS = payload size, TTL = flags, RDLENGTH 0
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(EDNS_PAYLOAD, 3);
  opt.writeUInt32BE(EDNS_DO, 5);
  return Buffer.concat([header, encodeName(q.name), question, opt]);
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.');
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length < 1 || bytes.length > 63 || !/^[\x21-\x7e]+$/.test(label)) throw new Error(`invalid DNS name "${name}"`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  const wire = Buffer.concat([...parts, Buffer.from([0])]);
  if (wire.length > 255) throw new Error(`DNS name longer than 255 bytes: "${name}"`);
  return wire;
}

/** Parses a reply to `q`; throws MalformedReply when it is broken or answers another question. */
export function decodeReply(msg: Buffer, q: DnsQuestion): DnsReply {
  const flags = u16(msg, 2);
  if (!(flags & FLAG_QR)) throw new MalformedReply('not a reply (QR=0)');
  const counts = { qd: u16(msg, 4), an: u16(msg, 6) };
  if (counts.qd !== 1) throw new MalformedReply(`reply has ${counts.qd} questions, 1 expected`);
  const asked = readName(msg, 12);
  if (asked.name.toLowerCase() !== q.name.replace(/\.$/, '').toLowerCase() || u16(msg, asked.next) !== q.type) {
    throw new MalformedReply(`reply is for another question (${asked.name})`);
  }
  let pos = asked.next + 4;
  const rdata: Buffer[] = [];
  for (let i = 0; i < counts.an; i++) {
    pos = readName(msg, pos).next;
    const type = u16(msg, pos);
    const cls = u16(msg, pos + 2);
    const length = u16(msg, pos + 8);
    const start = pos + 10;
    if (start + length > msg.length) throw new MalformedReply('record data runs past the end of the reply');
    // A CNAME chain may precede the records; their owner is then the alias target, which is fine.
    if (type === q.type && cls === CLASS_IN) rdata.push(Buffer.from(msg.subarray(start, start + length)));
    pos = start + length;
  }
  return { id: u16(msg, 0), truncated: !!(flags & FLAG_TC), authenticated: !!(flags & FLAG_AD), rcode: flags & 0x0f, rdata };
}

function u16(msg: Buffer, pos: number): number {
  if (pos + 2 > msg.length) throw new MalformedReply('reply ends early');
  return msg.readUInt16BE(pos);
}

/** A possibly compressed name at `offset`; `next` is the offset after it in the record. */
function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let octets = 1;
  for (let pointers = 0; ; ) {
    if (pos >= msg.length) throw new MalformedReply('reply ends inside a name');
    const len = msg[pos];
    if (len === 0) return { name: labels.join('.'), next: next < 0 ? pos + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      if (++pointers > MAX_POINTERS) throw new MalformedReply('too many compression pointers in a name');
      if (next < 0) next = pos + 2;
      pos = u16(msg, pos) & 0x3fff;
      continue;
    }
    if (len > 63) throw new MalformedReply(`invalid label length byte 0x${len.toString(16)}`);
    octets += len + 1;
    if (octets > 255 || pos + 1 + len > msg.length) throw new MalformedReply('name too long or past the end of the reply');
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}
