// Just enough DER (X.690) to walk a certificate's outer structure. Every length is checked
// against its enclosing element: a hostile certificate makes this throw DerError, never read
// out of bounds.

export class DerError extends Error {}

export const TAG = { sequence: 0x30, oid: 0x06, contextZero: 0xa0 } as const;

/** One element: its tag and where its contents lie in the buffer. */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = buf[offset];
  // Certificates use no high tag numbers (tag byte ending in 11111).
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag');
  let length = buf[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // 0 is BER's indefinite length, not DER; more than 4 octets would exceed any buffer.
    if (octets === 0 || octets > 4) throw new DerError('unsupported length encoding');
    if (start + octets > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buf[start + i];
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw new DerError('element longer than its container');
  return { tag, start, end };
}

/** The elements inside a constructed element, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const tlv = readTlv(buf, at, parent.end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

/** OBJECT IDENTIFIER contents as dotted decimal (X.690 section 8.19). */
export function decodeOid(buf: Uint8Array, tlv: Tlv): string {
  if (tlv.end === tlv.start) throw new DerError('empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    value = value * 128 + (buf[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if (buf[i] & 0x80) continue;
    arcs.push(value);
    value = 0;
  }
  if (buf[tlv.end - 1] & 0x80) throw new DerError('truncated OID');
  // The first subidentifier packs the first two arcs: 40 * first + second.
  const first = Math.min(Math.floor(arcs[0] / 40), 2);
  return [first, arcs[0] - 40 * first, ...arcs.slice(1)].join('.');
}
