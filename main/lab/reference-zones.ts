// The lab's DNS: the gateway's lab zones (domain, SPF, DMARC, block list) plus what a well-run
// mail domain also publishes, so every DNS check of the probe has something real to judge:
// reverse DNS of the gateway address, MTA-STS, TLS-RPT and a DANE-EE record for the gateway.
import { labZones } from '../gateway/lab-zones.js';
import { ptrName } from '../dns/reverse-name.js';
import { tlsaName } from '../dns/tlsa/tlsa-record.js';
import type { ZoneData } from '../dns/zone-data.js';

export interface ReferenceZoneInput {
  hostname: string;
  domain: string;
  /** The gateway's (loopback) address. */
  address: string;
  /** The gateway's SMTP port: TLSA records are per port. */
  smtpPort: number;
  /** SHA-256 of the gateway certificate's public key; no TLSA record without it. */
  spkiSha256?: string;
  /** Bumped whenever the policy changes (RFC 8461 section 3.1). */
  stsId: string;
}

/** Two weeks: RFC 8461 asks for weeks or more. */
export const STS_MAX_AGE = 1_209_600;

export function mtaStsPolicy(hostname: string): string {
  return `version: STSv1\r\nmode: enforce\r\nmx: ${hostname}\r\nmax_age: ${STS_MAX_AGE}\r\n`;
}

/**
 * The lab domain's outbound host, the one address its SPF authorizes. Not the gateway's own
 * loopback address: the probe connects from that address too, and would then pass SPF for
 * the lab domain, which no outside tester ever does.
 */
export const LAB_OUTBOUND = '192.0.2.25';

export function referenceZones(i: ReferenceZoneInput): ZoneData {
  const base = labZones(i.hostname, i.domain, i.address);
  const zones: ZoneData = {
    ...base,
    [i.domain]: { ...base[i.domain], TXT: [`v=spf1 ip4:${LAB_OUTBOUND} -all`] },
    [ptrName(i.address)]: { PTR: [i.hostname] },
    [`_mta-sts.${i.domain}`]: { TXT: [`v=STSv1; id=${i.stsId}`] },
    [`mta-sts.${i.domain}`]: { A: [i.address] },
    [`_smtp._tls.${i.domain}`]: { TXT: [`v=TLSRPTv1; rua=mailto:tls-reports@${i.domain}`] },
  };
  if (i.spkiSha256) zones[tlsaName(i.hostname, i.smtpPort)] = { TLSA: [{ usage: 3, selector: 1, matchingType: 1, data: i.spkiSha256 }] };
  return zones;
}
