// DMARC policy discovery (RFC 7489 section 6.6.3): the domain's own record, else the
// organizational domain's. DNS failures other than "no such record" throw.
import type { DnsResolver } from '../../net/resolver.js';
import { organizationalDomain } from './organizational-domain.js';
import { selectRecord } from '../tag-list.js';
import { txtRecords } from '../txt-records.js';
import { DMARC_VERSION } from './dmarc-record.js';

export interface DmarcDiscovery {
  record: string | null;
  /** Where the record in use was found. */
  source: 'domain' | 'organizational' | null;
  /** The _dmarc name the record in use came from. */
  name: string | null;
  /** The _dmarc name(s) asked, in order. */
  queried: string[];
  /** Records receivers discard: misplaced version tag, more than one record. */
  errors: string[];
}

export async function discoverDmarc(resolver: DnsResolver, domain: string): Promise<DmarcDiscovery> {
  const own = domain.toLowerCase().replace(/\.$/, '');
  const org = await organizationalDomain(own);
  const levels: ['domain' | 'organizational', string][] = [['domain', own]];
  if (org && org !== own) levels.push(['organizational', org]);
  const queried: string[] = [];
  const errors: string[] = [];
  for (const [source, name] of levels) {
    const qname = `_dmarc.${name}`;
    queried.push(qname);
    const found = selectRecord(await txtRecords(resolver, qname), DMARC_VERSION, qname);
    errors.push(...found.errors);
    if (found.record) return { record: found.record, source, name: qname, queried, errors };
    // Several valid-looking records end discovery: there is no fallback past an ambiguous answer.
    if (found.ambiguous) break;
  }
  return { record: null, source: null, name: null, queried, errors };
}
