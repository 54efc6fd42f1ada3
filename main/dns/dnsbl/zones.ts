// The block lists mxaudit knows: the default set of live public IP lists, each with the meaning
// of its return codes, and the provider rules that also apply to zones the user names (--rbl).
// Lists die and change codes: every zone is self-tested per run (lookup.ts), so a stale entry
// here shows up as `unreliable`, never as a false listing. Review an entry when it does.
import type { AddressFamily } from './address.js';

export interface DnsblZone {
  zone: string;
  name: string;
  /** Provider page: lookup and delisting. */
  url?: string;
  /** Address families the list answers; IPv6 lists take nibble queries (RFC 5782 2.4). */
  families: readonly AddressFamily[];
  /** Listing codes and their meaning; an A record missing here is still a listing. */
  codes: Readonly<Record<string, string>>;
  /** Codes that report an error (refused, rate limited): never a listing. */
  errors: Readonly<Record<string, string>>;
  /** Set when the list was shut down: it is never queried (its domain may be re-registered). */
  dead?: string;
}

const V4: readonly AddressFamily[] = ['ipv4'];
const BOTH: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/**
 * Spamhaus answers these instead of a verdict. No list uses them for a listing, so they are
 * errors for every zone: a user zone answering 127.255.255.254 is refused, not "listed".
 */
export const GENERIC_ERRORS: Readonly<Record<string, string>> = {
  '127.255.255.252': 'error: typing error in the DNSBL zone name',
  '127.255.255.254': 'query refused: it came through a public or open resolver',
  '127.255.255.255': 'query refused: excessive number of queries (rate limited)',
};

const SPAMHAUS_CODES = {
  '127.0.0.2': 'SBL: known spam source or spam operation',
  '127.0.0.3': 'SBL CSS: low-reputation sender (snowshoe spam)',
  '127.0.0.4': 'XBL: exploited host (malware, botnet, open proxy)',
  '127.0.0.5': 'XBL: exploited host',
  '127.0.0.6': 'XBL: exploited host',
  '127.0.0.7': 'XBL: exploited host',
  '127.0.0.9': 'SBL DROP: hijacked or criminal network',
  '127.0.0.10': 'PBL (ISP maintained): address range not meant to send mail directly',
  '127.0.0.11': 'PBL (Spamhaus maintained): address range not meant to send mail directly',
};
// 127.0.1.255 is what the domain list (DBL) says to an IP query; 127.0.1.x are DBL codes.
const SPAMHAUS_ERRORS = { ...GENERIC_ERRORS, '127.0.1.255': 'error: IP queries are not allowed on this Spamhaus domain list (DBL)' };

const DRONEBL_CODES = {
  '127.0.0.2': 'sample data (test entry)',
  '127.0.0.3': 'IRC spam drone',
  '127.0.0.5': 'bottler',
  '127.0.0.6': 'unknown spambot or drone',
  '127.0.0.7': 'DDoS drone',
  '127.0.0.8': 'open SOCKS proxy',
  '127.0.0.9': 'open HTTP proxy',
  '127.0.0.10': 'proxy chain',
  '127.0.0.11': 'web page proxy',
  '127.0.0.12': 'open DNS resolver',
  '127.0.0.13': 'brute-force attacker',
  '127.0.0.14': 'open WinGate proxy',
  '127.0.0.15': 'compromised router or gateway',
  '127.0.0.16': 'autorooting worm',
  '127.0.0.17': 'botnet member (automatically detected)',
  '127.0.0.18': 'possibly compromised DNS/MX host',
  '127.0.0.19': 'abused VPN service',
  // DNSWL uses .255 as an error; here it is a real category, hence per-provider error tables.
  '127.0.0.255': 'uncategorized threat',
};

const live = (zone: string, name: string, url: string, codes: Record<string, string>, families = V4): DnsblZone => ({
  zone,
  name,
  url,
  families,
  codes,
  errors: GENERIC_ERRORS,
});

export const DEFAULT_ZONES: readonly DnsblZone[] = [
  { ...live('zen.spamhaus.org', 'Spamhaus ZEN', 'https://check.spamhaus.org/', SPAMHAUS_CODES, BOTH), errors: SPAMHAUS_ERRORS },
  live('bl.spamcop.net', 'SpamCop', 'https://www.spamcop.net/bl.shtml', { '127.0.0.2': 'reported as a spam source by SpamCop users' }),
  live('b.barracudacentral.org', 'Barracuda Reputation Block List', 'https://www.barracudacentral.org/lookups', { '127.0.0.2': 'poor sending reputation' }),
  live('psbl.surriel.com', 'Passive Spam Block List', 'https://psbl.org/', { '127.0.0.2': 'sent mail to PSBL spam traps' }),
  live('bl.mailspike.net', 'Mailspike', 'https://mailspike.org/', {
    '127.0.0.2': 'part of a real-time spam outbreak',
    '127.0.0.10': 'worst reputation (L5)',
    '127.0.0.11': 'very bad reputation (L4)',
    '127.0.0.12': 'bad reputation (L3)',
  }),
  live('dnsbl.dronebl.org', 'DroneBL', 'https://dronebl.org/lookup', DRONEBL_CODES, BOTH),
  live('ix.dnsbl.manitu.net', 'NiX Spam', 'https://www.dnsbl.manitu.net/', { '127.0.0.2': 'sent spam to NiX Spam traps' }),
  live('dnsbl-1.uceprotect.net', 'UCEPROTECT level 1', 'https://www.uceprotect.net/en/rblcheck.php', { '127.0.0.2': 'this address sent mail to UCEPROTECT traps' }),
  live('ips.backscatterer.org', 'Backscatterer', 'https://www.backscatterer.org/', { '127.0.0.2': 'sends backscatter (bounces or auto-replies to forged senders)' }),
  live('truncate.gbudb.net', 'GBUdb Truncate', 'https://www.gbudb.com/', { '127.0.0.2': 'almost only spam seen from this address' }),
  live('db.wpbl.info', 'Weighted Private Block List', 'https://www.wpbl.info/', { '127.0.0.2': 'reported as a spam source' }),
  live('spam.spamrats.com', 'SpamRATS Spam', 'https://www.spamrats.com/', { '127.0.0.38': 'RATS-Spam: sent spam or attacked mail servers' }),
  live('rbl.interserver.net', 'InterServer RBL', 'https://rbl.interserver.net/', { '127.0.0.2': 'attacks or spam seen by InterServer' }),
  live('spam.dnsbl.anonmails.de', 'Anonmails DNSBL', 'https://anonmails.de/', { '127.0.0.2': 'sent mail to anonmails spam traps' }),
  live('dnsbl.inps.de', 'INPS DNSBL', 'https://dnsbl.inps.de/', { '127.0.0.2': 'sent spam to INPS' }),
  live('bl.nordspam.com', 'NordSpam', 'https://www.nordspam.com/', { '127.0.0.2': 'spam source seen by NordSpam' }),
  live('dnsbl.spfbl.net', 'SPFBL', 'https://spfbl.net/', { '127.0.0.2': 'bad reputation' }, BOTH),
  live('ubl.unsubscore.com', 'LashBack UBL', 'https://blacklist.lashback.com/', { '127.0.0.2': 'sends to addresses that unsubscribed' }),
  live('spamrbl.imp.ch', 'ImproWare spam RBL', 'https://antispam.imp.ch/', { '127.0.0.2': 'spam source seen by ImproWare' }),
];

const dead = (zone: string, name: string, note: string): DnsblZone => ({ zone, name, families: BOTH, codes: {}, errors: {}, dead: note });

/** Provider rules for zones outside the default set; matched on the zone or a parent domain. */
const OTHER_KNOWN: readonly DnsblZone[] = [
  { zone: 'spamhaus.org', name: 'Spamhaus', url: 'https://check.spamhaus.org/', families: BOTH, codes: SPAMHAUS_CODES, errors: SPAMHAUS_ERRORS },
  // Data Query Service: <key>.zen.dq.spamhaus.net, the same data without the public-resolver block.
  { zone: 'dq.spamhaus.net', name: 'Spamhaus DQS', url: 'https://check.spamhaus.org/', families: BOTH, codes: SPAMHAUS_CODES, errors: SPAMHAUS_ERRORS },
  // An allowlist: users may still name it; its refusal code must not read as a listing.
  { zone: 'dnswl.org', name: 'DNSWL (an allowlist)', url: 'https://www.dnswl.org/', families: BOTH, codes: {}, errors: { ...GENERIC_ERRORS, '127.0.0.255': 'query refused: too many queries or a public resolver (DNSWL)' } },
  dead('sorbs.net', 'SORBS', 'SORBS was shut down on 2024-06-05'),
  dead('ahbl.org', 'AHBL', 'AHBL was shut down at the end of 2014'),
  dead('njabl.org', 'NJABL', 'NJABL was shut down in 2013'),
];

/** What mxaudit knows about a zone: the longest catalog match, else a list of unknown codes. */
export function describeZone(zone: string): DnsblZone {
  const matches = [...DEFAULT_ZONES, ...OTHER_KNOWN].filter((k) => zone === k.zone || zone.endsWith(`.${k.zone}`));
  const best = matches.sort((a, b) => b.zone.length - a.zone.length)[0];
  return best ? { ...best, zone } : { zone, name: zone, families: BOTH, codes: {}, errors: GENERIC_ERRORS };
}

const ZONE_NAME = /^([a-z0-9_-]{1,63}\.)+[a-z0-9-]{1,63}$/;

/** Lower case without the trailing dot; throws on anything that is not a domain name. */
export function normalizeZone(input: string): string {
  const zone = input.trim().toLowerCase().replace(/\.$/, '');
  if (!ZONE_NAME.test(zone) || zone.length > 253) throw new Error(`invalid block list zone "${input}": expected a domain name such as bl.example.org`);
  return zone;
}

/** `--rbl zone[,zone]`: comma-separated zone names, de-duplicated. */
export function parseRblZones(spec: string): string[] {
  return [...new Set(spec.split(',').filter((z) => z.trim()).map(normalizeZone))];
}
