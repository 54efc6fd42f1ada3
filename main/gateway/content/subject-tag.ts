// A visible tag for the user (the talk's option 1 against spoofing): the Subject of the spooled
// message gets a prefix such as "[SPOOFED] ". Only the header block is rewritten; the body is
// streamed across unchanged, and the header bytes are kept as received (latin1 round trip).
import { createReadStream, createWriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { SpooledMessage } from '../define-layer.js';

/** A header block larger than this is not rewritten (hostile input): the header tag remains. */
export const MAX_HEADER_BLOCK = 1024 * 1024;

export type SubjectTagResult = 'tagged' | 'already-tagged' | 'header-too-large';

/** Where the header block ends: the offset of the empty line (or the file's end when it has none). */
function headerEnd(text: string, whole: boolean): number {
  const m = /(?:^|\n)\r?\n/.exec(text);
  if (m) return m.index + (m[0].startsWith('\n') ? 1 : 0);
  return whole ? text.length : -1;
}

/** The header block with every Subject field prefixed, or a Subject added when there is none. */
export function prefixSubjectFields(block: string, prefix: string): string | null {
  let found = false;
  let changed = false;
  const out = block.replace(/^(Subject:[ \t]*)(.*)$/gim, (_all, name: string, value: string) => {
    found = true;
    if (value.startsWith(prefix.trim())) return `${name}${value}`;
    changed = true;
    return `${name}${prefix}${value}`;
  });
  if (found) return changed ? out : null;
  const eol = block.includes('\n') && !block.includes('\r\n') ? '\n' : '\r\n';
  const base = block === '' || block.endsWith('\n') ? block : `${block}${eol}`;
  return `${base}Subject: ${prefix.trimEnd()}${eol}`;
}

export async function prefixSubject(message: SpooledMessage, prefix: string): Promise<SubjectTagResult> {
  const fh = await open(await message.file(), 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    head = Buffer.alloc(Math.min(size, MAX_HEADER_BLOCK + 4));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const text = head.toString('latin1');
  const end = headerEnd(text, head.length === size);
  if (end < 0 || end > MAX_HEADER_BLOCK) return 'header-too-large';
  const block = prefixSubjectFields(text.slice(0, end), prefix);
  if (block === null) return 'already-tagged';
  const tmp = `${message.path}.subject`;
  try {
    // The new header block, then the rest of the file from where the old block ended.
    const rest = head.length === size ? Readable.from([head.subarray(end)]) : createReadStream(message.path, { start: end });
    const out = createWriteStream(tmp);
    out.write(Buffer.from(block, 'latin1'));
    await pipeline(rest, out);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await message.replaceFile(tmp, block.replace(/\r?\n$/, ''));
  return 'tagged';
}
