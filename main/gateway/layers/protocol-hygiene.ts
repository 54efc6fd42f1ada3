// Protocol hygiene: relay only to our own domains unless the client is internal or
// authenticated (no open relay). SIZE, DSN, STARTTLS and "no AUTH on port 25" are listener
// settings applied by server.ts from the same config.
import { z } from 'zod';
import { defineLayer, CONTINUE } from '../define-layer.js';
import { isLocalDomain } from '../address.js';

export default defineLayer({
  id: 'protocol-hygiene',
  title: 'Protocol hygiene (no open relay)',
  options: z.object({}).strict().default({}),
  hooks: {
    rcpt(ctx, to) {
      if (isLocalDomain(to, ctx.localDomains) || ctx.session.authenticated || ctx.session.internal) return CONTINUE;
      return { action: 'reject', code: 554, enhanced: '5.7.1', text: `<${to}>: Relay access denied`, reason: 'relay to a foreign domain from an outside client' };
    },
  },
});
