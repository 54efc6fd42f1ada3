// Attachment blocking (the talk: executable attachments stripped from all inbound mail at the
// gateway, before virus scanning: cheaper than scanning, and it stops viruses no signature
// knows yet). An attachment is executable by its name (extension, double extension such as
// invoice.pdf.exe), by its first bytes (MZ, ELF, #!) whatever its name, or by the names inside
// a zip. Block refuses the message; strip replaces each such part by a short notice.
import { createReadStream, createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { Joiner, Rewriter, Splitter } from '@zone-eu/mailsplit';
import { defineLayer, CONTINUE, type SpooledMessage, type Verdict } from '../define-layer.js';
import { scanFailure } from '../content/mime-walk.js';
import { isMessageText } from '../content/message-facts.js';
import { addHeader, replySafe } from '../content/headers.js';

/** Run by Windows when opened (Outlook 2003's level-1 list, KB829982). */
export const EXECUTABLE_EXTENSIONS = [
  'ade', 'adp', 'app', 'bas', 'bat', 'chm', 'cmd', 'com', 'cpl', 'crt', 'dll', 'exe', 'hlp', 'hta', 'inf', 'ins', 'isp', 'jar', 'js', 'jse', 'lnk', 'msc',
  'msi', 'msp', 'mst', 'pcd', 'pif', 'ps1', 'reg', 'scf', 'scr', 'sct', 'shb', 'shs', 'url', 'vb', 'vbe', 'vbs', 'wsc', 'wsf', 'wsh',
];

/** Harmless-looking extensions put before the real one ("invoice.pdf.exe") to fool the reader. */
const DECOYS = new Set(['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'rtf', 'txt', 'csv', 'htm', 'html', 'jpg', 'jpeg', 'png', 'gif', 'bmp', 'tif', 'mp3', 'wav', 'avi', 'mpg', 'mp4', 'mov', 'zip', 'rar']);

/** Executable formats by their first bytes: Windows PE, Unix ELF, scripts. */
const MAGIC: readonly (readonly [label: string, bytes: Buffer])[] = [
  ['MZ', Buffer.from('MZ')],
  ['ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['#!', Buffer.from('#!')],
];

const Options = z
  .object({
    action: z.enum(['block', 'strip']).default('block'),
    /** Lower-case, without the dot. */
    extensions: z.array(z.string().regex(/^[a-z0-9]{1,16}$/, 'expected an extension without the dot, lower case')).default(EXECUTABLE_EXTENSIONS),
    /** Zip entries read at most; an archive with more, or malformed, is treated as executable. */
    maxZipEntries: z.number().int().min(1).max(1_000_000).default(10_000),
    maxParts: z.number().int().min(1).max(100_000).default(1000),
    scanTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .strict()
  .prefault({});
type Options = z.output<typeof Options>;

interface Finding {
  /** MIME node index (see walkParts), as the rewriter counts nodes. */
  part: number;
  /** The attachment's name. */
  file: string;
  /** As shown in replies: the file, or archive/entry for a zip entry. */
  name: string;
  why: string;
}

/** Why a file name is executable, or null. Windows drops trailing dots and spaces ("a.exe. "). */
export function executableName(name: string, extensions: ReadonlySet<string>): string | null {
  const parts = name.toLowerCase().replace(/[.\s]+$/, '').split('.').map((p) => p.trim());
  if (parts.length < 2 || !extensions.has(parts.at(-1)!)) return null;
  const ext = parts.at(-1)!;
  const decoy = parts.length > 2 ? parts.at(-2)! : '';
  return DECOYS.has(decoy) ? `double extension .${decoy}.${ext}` : `extension .${ext}`;
}

/** Every executable part, from the walk the content layers share. */
async function findExecutables(message: SpooledMessage, o: Options): Promise<Finding[]> {
  const extensions = new Set(o.extensions);
  const facts = await message.facts({ timeoutMs: o.scanTimeoutMs, maxParts: o.maxParts, maxZipEntries: o.maxZipEntries });
  const findings = new Map<string, Finding>();
  for (const part of facts.parts) {
    const file = part.filename ?? `unnamed part ${part.index}`;
    const add = (why: string, shown = file) => void findings.set(`${shown}\0${why}`, { part: part.index, file, name: shown, why });
    const byName = part.filename && executableName(part.filename, extensions);
    if (byName) {
      add(byName);
      continue;
    }
    // The message text is shown, never run: only files are inspected by content.
    if (isMessageText(part)) continue;
    for (const entry of part.zip?.names ?? []) {
      const why = executableName(entry, extensions);
      if (why) add(`zip entry: ${why}`, `${file}/${entry}`);
    }
    const magic = MAGIC.find(([, bytes]) => part.head.subarray(0, bytes.length).equals(bytes));
    if (magic) add(`content starts with ${magic[0]}`);
    if (part.zip?.incomplete) add(`zip not fully inspected (over ${o.maxZipEntries} entries, or malformed)`);
  }
  return [...findings.values()];
}

/** Rewrites the spool with each listed part replaced by a notice, then swaps it in place. */
async function stripParts(message: SpooledMessage, findings: readonly Finding[], o: Options): Promise<void> {
  const byPart = new Map(findings.map((f) => [f.part, f]));
  let index = 0;
  let current: Finding | undefined;
  const rewriter = new Rewriter(() => {
    current = byPart.get(index++);
    return !!current;
  });
  rewriter.on('node', ({ node, decoder, encoder }) => {
    const f = current!;
    node.setContentType('text/plain');
    node.setCharset('utf-8');
    node.setFilename(`${f.file}.removed.txt`);
    // The encoder may end only after the decoder, or the rewriter waits forever for the part.
    decoder.on('end', () => encoder.end(`This attachment (${f.name}) was removed by the mail gateway: executable content (${f.why}).\r\n`));
    decoder.resume();
  });
  const tmp = `${message.path}.stripped`;
  try {
    await pipeline(createReadStream(await message.file()), new Splitter({ maxChildNodes: o.maxParts }), rewriter, new Joiner(), createWriteStream(tmp), {
      signal: AbortSignal.timeout(o.scanTimeoutMs),
    });
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // Later layers (anti-virus) and the store read the stripped message, walked afresh.
  await message.replaceFile(tmp);
}

export default defineLayer({
  id: 'attachment-blocking',
  title: 'Executable attachment blocking',
  options: Options,
  hooks: {
    async data(ctx, message): Promise<Verdict> {
      let findings: Finding[];
      try {
        findings = await findExecutables(message, ctx.options);
      } catch (err) {
        return scanFailure('attachment scan', err);
      }
      if (!findings.length) return CONTINUE;
      const reason = findings.map((f) => `${f.name}: ${f.why}`).join('; ');
      if (ctx.options.action === 'block') {
        return { action: 'reject', code: 550, enhanced: '5.7.1', text: `Message refused: executable attachment ${replySafe(findings[0].name)} blocked`, reason };
      }
      try {
        await stripParts(message, findings, ctx.options);
      } catch (err) {
        return scanFailure('attachment stripping', err);
      }
      addHeader(ctx.session, 'X-Mxaudit-Attachments-Removed', [...new Set(findings.map((f) => replySafe(f.name)))].join(', '));
      // Tagged, not decided: later layers still judge the stripped message; the trace notes it.
      return { action: 'continue', reason: `stripped ${reason}` };
    },
  },
});
