// Restricted distribution groups (the talk; Exchange 2003 "accept messages from authenticated
// users only"): one message to a large group reaches every member, so a group marked restricted
// takes mail only from authenticated or internal senders; outside senders get 550 5.7.1 at RCPT.
import { z } from 'zod';
import { defineLayer, CONTINUE, type Verdict } from '../define-layer.js';
import { normalizeAddress } from '../address.js';
import { DirectorySchema } from './recipient-lookup.js';

// Options are per layer, so the groups repeat recipient-lookup's directory.groups, in its shape.
const Options = z.object({ groups: DirectorySchema.shape.groups }).strict().default({ groups: {} });

export default defineLayer({
  id: 'restricted-groups',
  title: 'Restricted distribution groups',
  options: Options,
  hooks: {
    rcpt(ctx, to): Verdict {
      if (ctx.session.internal || ctx.session.authenticated) return CONTINUE;
      const a = normalizeAddress(to);
      const restricted = Object.entries(ctx.options.groups).some(([group, g]) => g.restricted && normalizeAddress(group) === a);
      if (!restricted) return CONTINUE;
      return { action: 'reject', code: 550, enhanced: '5.7.1', text: `<${to}>: Restricted distribution group, only internal or authenticated senders`, reason: `restricted group <${to}> from an outside, unauthenticated sender (${ctx.session.remoteAddress})` };
    },
  },
});
