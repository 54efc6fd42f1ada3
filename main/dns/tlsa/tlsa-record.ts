// TLSA records (RFC 6698 section 2.1): the record itself, its wire rdata and its owner name.
// Node's resolver and dns2 both lack the type, so the few bytes are handled here.

/** RR type number of TLSA (RFC 6698 section 7.1). */
export const TLSA_TYPE = 52;

export interface TlsaRecord {
  /** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE. */
  usage: number;
  /** 0 full certificate, 1 SubjectPublicKeyInfo. */
  selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512. */
  matchingType: number;
  /** Certificate association data, lower-case hex. */
  data: string;
}

/** `_25._tcp.mx.example.com`: where the TLSA records of a TCP service live (RFC 6698 section 3). */
export function tlsaName(host: string, port: number): string {
  return `_${port}._tcp.${host.replace(/\.$/, '')}`;
}

export function encodeTlsaRdata(r: TlsaRecord): Buffer {
  return Buffer.concat([Buffer.from([r.usage, r.selector, r.matchingType]), Buffer.from(r.data, 'hex')]);
}

export function decodeTlsaRdata(rdata: Buffer): TlsaRecord {
  if (rdata.length < 3) throw new Error(`TLSA rdata of ${rdata.length} bytes: at least 3 expected`);
  return { usage: rdata[0], selector: rdata[1], matchingType: rdata[2], data: rdata.subarray(3).toString('hex') };
}

/** Zone-file form, `3 1 1 abcd...`, for transcripts and reports. */
export function formatTlsa(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`;
}
