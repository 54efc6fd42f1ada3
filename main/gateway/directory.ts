// The directory: our mailboxes, aliases and distribution groups (restricted or not). One
// top-level config section, read by every layer that needs it (recipient lookup, restricted
// groups), so a group is declared once.
import { z } from 'zod';
import { normalizeAddress } from './address.js';

/** group address -> members; restricted groups take mail only from authenticated or internal senders. */
export const GroupsSchema = z.record(z.string(), z.object({ members: z.array(z.string()), restricted: z.boolean().default(false) }).strict());

export const DirectorySchema = z
  .object({
    /** Mailboxes, full addresses. */
    users: z.array(z.string().email()).default([]),
    /** alias address -> target address. */
    aliases: z.record(z.string(), z.string()).default({}),
    groups: GroupsSchema.default({}),
  })
  .strict();
export type Directory = z.output<typeof DirectorySchema>;
export const EMPTY_DIRECTORY: Directory = { users: [], aliases: {}, groups: {} };

/** The directory as sets of normalized addresses, for lookups per RCPT in constant time. */
export interface DirectoryIndex {
  known: ReadonlySet<string>;
  restrictedGroups: ReadonlySet<string>;
}

export function indexDirectory(dir: Directory): DirectoryIndex {
  return {
    known: new Set([...dir.users, ...Object.keys(dir.aliases), ...Object.keys(dir.groups)].map(normalizeAddress)),
    restrictedGroups: new Set(Object.entries(dir.groups).filter(([, g]) => g.restricted).map(([a]) => normalizeAddress(a))),
  };
}
