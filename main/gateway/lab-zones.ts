// The zones the gateway's lab mode serves on the embedded DNS server, so every layer works
// offline: our domain with SPF and DMARC, a block list with its RFC 5782 test point and one
// listed documentation address, and outside domains whose SPF passes, fails or soft-fails.
import type { ZoneData } from '../dns/zone-data.js';

/** Documentation addresses (RFC 5737) that play the outside world through XCLIENT. */
export const LAB_ADDRESSES = {
  listed: '192.0.2.66',
  friend: '192.0.2.10',
  spoofer: '198.51.100.7',
  /** Unlisted, no SPF anywhere: plays the directory harvester in the attack suite. */
  harvester: '203.0.113.25',
} as const;

export function labZones(hostname: string, domain: string, gatewayAddress: string): ZoneData {
  return {
    [domain]: {
      MX: [{ priority: 10, exchange: hostname }],
      TXT: [`v=spf1 ip4:${gatewayAddress} -all`],
    },
    [hostname]: { A: [gatewayAddress] },
    [`_dmarc.${domain}`]: { TXT: [`v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`] },
    // Block list: the RFC 5782 test point, and the "listed" documentation address.
    '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'], TXT: ['RFC 5782 test point'] },
    [`${LAB_ADDRESSES.listed.split('.').reverse().join('.')}.bl.lab.test`]: { A: ['127.0.0.2'], TXT: ['Listed in the mxaudit lab: known spam source'] },
    'friend.test': { TXT: [`v=spf1 ip4:${LAB_ADDRESSES.friend} -all`] },
    'strict.test': { TXT: ['v=spf1 -all'] },
    'soft.test': { TXT: ['v=spf1 ~all'] },
  };
}
