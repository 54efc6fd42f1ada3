// The organizational domain of RFC 7489 section 3.2: the public suffix plus one label, from the
// Public Suffix List that tldts embeds (no network). Private suffixes (github.io...) count, since
// their subdomains belong to unrelated owners.
import { getDomain } from 'tldts';

/** null when the name is itself a public suffix or not a host name. */
export function organizationalDomain(domain: string): string | null {
  return getDomain(domain.toLowerCase().replace(/\.$/, ''), { allowPrivateDomains: true, extractHostname: false });
}
