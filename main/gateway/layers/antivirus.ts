// Anti-virus at the gateway (the talk: scan at several layers; at Microsoft IT, on the
// gateways, after spam filtering and attachment blocking). clamd through INSTREAM when it is
// configured; otherwise a built-in scanner that knows only the EICAR test file, found as the
// recipient would open it: in any part once decoded (inline text, base64 attachment) and in
// zip archives (stored or deflated entries). Infected mail is refused or quarantined.
import { z } from 'zod';
import { defineLayer, CONTINUE, type SpooledMessage, type Verdict } from '../define-layer.js';
import { scanFailure } from '../content/mime-walk.js';
import { clamdScan } from '../content/clamd.js';
import { addHeader, replySafe } from '../content/headers.js';

export { EICAR } from '../content/message-facts.js';
/** The name clamd gives it, so both scanners report alike. */
const EICAR_NAME = 'Eicar-Test-Signature';

const Options = z
  .object({
    action: z.enum(['reject', 'quarantine']).default('reject'),
    /** clamd's socket: a unix socket path, or TCP host and port. Absent: the built-in scanner. */
    clamd: z.union([z.object({ socket: z.string().min(1) }).strict(), z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(1).max(65535).default(3310) }).strict()]).optional(),
    scanTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    maxParts: z.number().int().min(1).max(100_000).default(1000),
    maxZipEntries: z.number().int().min(1).max(1_000_000).default(10_000),
    /** A deflated zip entry is inflated only within this size, packed and unpacked (zip bombs). */
    maxZipEntryBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  })
  .strict()
  .prefault({});
type Options = z.output<typeof Options>;

/** EICAR in any part or zip entry, from the walk the content layers share; the virus name or null. */
async function builtinScan(message: SpooledMessage, o: Options): Promise<string | null> {
  const facts = await message.facts({ timeoutMs: o.scanTimeoutMs, maxParts: o.maxParts, maxZipEntries: o.maxZipEntries, maxZipEntryBytes: o.maxZipEntryBytes });
  return facts.parts.some((p) => p.eicar) ? EICAR_NAME : null;
}

export default defineLayer({
  id: 'antivirus',
  title: 'Anti-virus (clamd or built-in EICAR scanner)',
  options: Options,
  hooks: {
    async data(ctx, message): Promise<Verdict> {
      const o = ctx.options;
      const scanner = o.clamd ? 'clamd' : 'built-in scanner';
      let virus: string | null;
      try {
        virus = o.clamd ? await clamdScan(await message.file(), o.clamd, o.scanTimeoutMs) : await builtinScan(message, o);
      } catch (err) {
        return scanFailure(`${scanner} scan`, err);
      }
      if (!virus) return CONTINUE;
      if (o.action === 'reject') return { action: 'reject', code: 550, enhanced: '5.7.1', text: `Message refused: virus ${replySafe(virus)} found`, reason: `${scanner}: ${virus}` };
      ctx.session.marks.folder = 'quarantine';
      addHeader(ctx.session, 'X-Mxaudit-Virus', virus);
      return { action: 'accept', reason: `${scanner}: ${virus}, quarantined` };
    },
  },
});
