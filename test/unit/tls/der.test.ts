// The DER reader on hand-made encodings, hostile ones included: it throws, never over-reads.
import { describe, expect, it } from 'vitest';
import { DerError, TAG, children, decodeOid, readTlv } from '../../../main/tls/der.js';
import { signatureAlgorithm } from '../../../main/tls/signature-algorithm.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('DER reader', () => {
  it('reads short and long lengths and nested elements', () => {
    const long = new Uint8Array(3 + 200);
    long.set([TAG.sequence, 0x81, 200]);
    expect(readTlv(long, 0)).toEqual({ tag: TAG.sequence, start: 3, end: 203 });
    const seq = bytes(0x30, 0x05, 0x06, 0x01, 0x2a, 0x05, 0x00);
    expect(children(seq, readTlv(seq, 0)).map((c) => c.tag)).toEqual([TAG.oid, 0x05]);
  });

  it('decodes OIDs, multi-byte arcs included', () => {
    // 1.2.840.113549.1.1.11 (sha256WithRSAEncryption)
    const oid = bytes(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b);
    expect(decodeOid(oid, readTlv(oid, 0))).toBe('1.2.840.113549.1.1.11');
    const ed25519 = bytes(0x06, 0x03, 0x2b, 0x65, 0x70);
    expect(decodeOid(ed25519, readTlv(ed25519, 0))).toBe('1.3.101.112');
  });

  it.each([
    ['a length past the end', bytes(0x30, 0x05, 0x00)],
    ['a length octet count past the end', bytes(0x30, 0x84, 0xff)],
    ['an indefinite length (BER, not DER)', bytes(0x30, 0x80, 0x00, 0x00)],
    ['a five-octet length', bytes(0x30, 0x85, 1, 0, 0, 0, 0)],
    ['a multi-byte tag', bytes(0x1f, 0x01, 0x00)],
    ['a single byte', bytes(0x30)],
  ])('rejects %s', (_name, der) => {
    expect(() => readTlv(der, 0)).toThrow(DerError);
  });

  it('rejects a child that overflows its parent, and a truncated OID', () => {
    const overflow = bytes(0x30, 0x03, 0x06, 0x05, 0x2a, 0x00, 0x00, 0x00);
    expect(() => children(overflow, readTlv(overflow, 0))).toThrow(DerError);
    const oid = bytes(0x06, 0x02, 0x2a, 0x86);
    expect(() => decodeOid(oid, readTlv(oid, 0))).toThrow(DerError);
  });

  it('says what is wrong when given something else than a certificate', () => {
    expect(() => signatureAlgorithm(bytes(0x02, 0x01, 0x00))).toThrow(/Certificate SEQUENCE/);
    expect(() => signatureAlgorithm(bytes(0x30, 0x02, 0x30, 0x00))).toThrow(/AlgorithmIdentifier/);
  });
});
