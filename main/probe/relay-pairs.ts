// The envelope pairs of the open-relay test: nmap's 16 (smtp-open-relay.nse), Metasploit's
// address literal, and a spoof of the target's own domain towards an external recipient.

export interface RelayPair {
  from: string;
  to: string;
  /** False for a recipient that is the server itself (its own address literal): accepting it is not relaying. */
  external: boolean;
  label: string;
}

export interface RelayPairInput {
  /** External destination domain (mail is never sent there: the test stops at RCPT). */
  domain: string;
  /** First word of the banner after the code, as nmap takes it. */
  srvname: string;
  /** Address literal of the target, `[192.0.2.1]`. */
  ipLiteral: string;
  /** The target's own domain, when known, for the own-domain spoof. */
  ownDomain: string | null;
}

export function relayPairs({ domain, srvname, ipLiteral, ownDomain }: RelayPairInput): RelayPair[] {
  const from = 'antispam';
  const to = 'relaytest';
  const ipFrom = `${from}@${ipLiteral}`;
  const pairs: RelayPair[] = [
    { from: '', to: `${to}@${domain}` },
    { from: `${from}@${domain}`, to: `${to}@${domain}` },
    { from: `${from}@${srvname}`, to: `${to}@${domain}` },
    { from: ipFrom, to: `${to}@${domain}` },
    { from: ipFrom, to: `${to}%${domain}@${ipLiteral}` },
    { from: ipFrom, to: `${to}%${domain}@${srvname}` },
    { from: ipFrom, to: `"${to}@${domain}"` },
    { from: ipFrom, to: `"${to}%${domain}"` },
    { from: ipFrom, to: `${to}@${domain}@${ipLiteral}` },
    { from: ipFrom, to: `"${to}@${domain}"@${ipLiteral}` },
    { from: ipFrom, to: `${to}@${domain}@${srvname}` },
    { from: ipFrom, to: `@${ipLiteral}:${to}@${domain}` },
    { from: ipFrom, to: `@${srvname}:${to}@${domain}` },
    { from: ipFrom, to: `${domain}!${to}` },
    { from: ipFrom, to: `${domain}!${to}@${ipLiteral}` },
    { from: ipFrom, to: `${domain}!${to}@${srvname}` },
  ].map((p, i) => ({ ...p, external: true, label: `nmap #${i + 1}` }));
  pairs.push({ from: `${from}@${domain}`, to: `${to}@${ipLiteral}`, external: false, label: 'address literal' });
  if (ownDomain) pairs.push({ from: `postmaster@${ownDomain}`, to: `${to}@${domain}`, external: true, label: 'own-domain spoof' });
  return pairs;
}
