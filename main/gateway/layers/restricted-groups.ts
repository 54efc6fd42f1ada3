// Restricted distribution groups (the talk; Exchange 2003 "accept messages from authenticated
// users only"): one message to a large group reaches every member, so a group marked restricted
// takes mail only from authenticated or internal senders; outside senders get 550 5.7.1 at RCPT.
import { z } from 'zod';
import { defineLayer, CONTINUE, type Verdict } from '../define-layer.js';
import { normalizeAddress } from '../address.js';
import { DirectorySchema, EMPTY_DIRECTORY, GroupsSchema, indexDirectory } from '../directory.js';

const Options = z
  .object({
    /** The gateway's top-level directory (config.ts passes it in). */
    directory: DirectorySchema.default(EMPTY_DIRECTORY),
    /** Older configs: the groups repeated here; when given, they are used instead of the directory's. */
    groups: GroupsSchema.optional(),
  })
  .strict()
  .default({ directory: EMPTY_DIRECTORY });

export default defineLayer({
  id: 'restricted-groups',
  title: 'Restricted distribution groups',
  options: Options,
  init: (o) => indexDirectory({ ...o.directory, groups: o.groups ?? o.directory.groups }),
  hooks: {
    rcpt(ctx, to): Verdict {
      if (ctx.session.internal || ctx.session.authenticated) return CONTINUE;
      if (!ctx.state.restrictedGroups.has(normalizeAddress(to))) return CONTINUE;
      return { action: 'reject', code: 550, enhanced: '5.7.1', text: `<${to}>: Restricted distribution group, only internal or authenticated senders`, reason: `restricted group <${to}> from an outside, unauthenticated sender (${ctx.session.remoteAddress})` };
    },
  },
});
