// Anti-virus at the gateway (the talk: scan at several layers; at Microsoft IT, on the
// gateways, after spam filtering and attachment blocking). clamd through INSTREAM when it is
// configured; otherwise a built-in scanner that knows only the EICAR test file, found as the
// recipient would open it: in any part once decoded (inline text, base64 attachment) and in
// zip archives (stored or deflated entries). Infected mail is refused or quarantined.
import { inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { defineLayer, CONTINUE, type SpooledMessage, type Verdict } from '../define-layer.js';
import { scanFailure, walkParts, type PartSink } from '../content/mime-walk.js';
import { StreamSearch } from '../content/stream-search.js';
import { ZipWalker } from '../content/zip-walk.js';
import { clamdScan } from '../content/clamd.js';
import { addHeader, replySafe } from '../content/headers.js';

export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
/** The name clamd gives it, so both scanners report alike. */
const EICAR_NAME = 'Eicar-Test-Signature';
const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

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

/** Searches every part, and every zip entry inside one; the virus name or null. */
async function builtinScan(message: SpooledMessage, o: Options): Promise<string | null> {
  let found: string | null = null;
  await walkParts(
    message.path,
    (_part, ctl) => {
      const hit = () => {
        found = EICAR_NAME;
        ctl.stop();
      };
      const search = new StreamSearch(EICAR_BYTES);
      const zip = new ZipWalker({ maxEntries: o.maxZipEntries, onEntry: (e) => (e.source === 'local' && !e.encrypted ? entrySink(e.method, o.maxZipEntryBytes, hit) : null) });
      return {
        write(chunk) {
          if (search.push(chunk)) hit();
          zip.write(chunk);
        },
        end: () => zip.end(),
      };
    },
    { timeoutMs: o.scanTimeoutMs, maxParts: o.maxParts },
  );
  return found;
}

/** Stored entries are searched as they stream; deflated ones are inflated once whole, bounded. */
function entrySink(method: number, maxBytes: number, hit: () => void): PartSink | null {
  if (method === 0) {
    const search = new StreamSearch(EICAR_BYTES);
    return { write: (chunk) => void (search.push(chunk) && hit()), end: () => {} };
  }
  if (method !== 8) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    },
    end() {
      if (size > maxBytes) return;
      try {
        if (inflateRawSync(Buffer.concat(chunks), { maxOutputLength: maxBytes }).includes(EICAR_BYTES)) hit();
      } catch {
        // Corrupt, or over maxBytes unpacked: not scannable here, as with clamd's own limits.
      }
    },
  };
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
        virus = o.clamd ? await clamdScan(message.path, o.clamd, o.scanTimeoutMs) : await builtinScan(message, o);
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
