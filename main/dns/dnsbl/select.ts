// Which zones to ask about one address: the default public lists (unless the user asked for
// theirs only, or the address is one no public list can hold) plus the user's zones.
import { familyOf, isPublicAddress } from './address.js';
import { DEFAULT_ZONES, describeZone, normalizeZone, type DnsblZone } from './zones.js';

export interface ZoneChoice {
  /** --rbl zones, asked in addition to the defaults. */
  rblZones?: readonly string[];
  /** Ask only rblZones (tests and private lists: no public list is contacted). */
  rblOnly?: boolean;
}

export type ZoneSelection = { zones: DnsblZone[] } | { notApplicable: string };

/** Throws on an invalid zone name. */
export function selectZones(address: string, choice: ZoneChoice): ZoneSelection {
  const user = (choice.rblZones ?? []).map((z) => describeZone(normalizeZone(z)));
  if (choice.rblOnly && !user.length) return { notApplicable: 'only user block lists were asked for, but no zone was given (--rbl)' };
  const useDefaults = !choice.rblOnly && isPublicAddress(address);
  if (!useDefaults && !user.length) {
    return { notApplicable: `${address} is a private, loopback or link-local address: no public block list lists it` };
  }
  const candidates = [...(useDefaults ? DEFAULT_ZONES : []), ...user];
  const family = familyOf(address);
  const zones = candidates
    .filter((z, i) => candidates.findIndex((c) => c.zone === z.zone) === i)
    // Dead zones stay in, to be reported; they are never queried.
    .filter((z) => z.dead || z.families.includes(family));
  return zones.length ? { zones } : { notApplicable: `none of the block lists in use answers ${family} queries` };
}
