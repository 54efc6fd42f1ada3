// The organizational domain of RFC 7489 section 3.2: the public suffix plus one label, from the
// Public Suffix List that tldts embeds (no network). Private suffixes (github.io...) count, since
// their subdomains belong to unrelated owners.
// Loaded on first use: the embedded suffix list costs ~60 ms at start-up, which a probe that
// never looks at DMARC should not pay.

/** null when the name is itself a public suffix or not a host name. */
export async function organizationalDomain(domain: string): Promise<string | null> {
  const { getDomain } = await import('tldts');
  return getDomain(domain.toLowerCase().replace(/\.$/, ''), { allowPrivateDomains: true, extractHostname: false });
}
