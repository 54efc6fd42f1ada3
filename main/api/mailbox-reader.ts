// The mail store as the mailbox viewer sees it: storeDir/<folder>/<recipient>/<id>.eml (see
// main/gateway/mail-store.ts). Messages come from anyone: read bounded, never interpreted.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { folders, MAILBOX_RECIPIENT, type MailboxMessage } from '../../shared/ipc-contract.js';
import { ApiError } from './api-error.js';

/** Messages listed at most (newest first); a load test can leave thousands. */
const MAX_LISTED = 500;
const HEADER_BYTES = 64 * 1024;
const BODY_BYTES = 256 * 1024;

const RECIPIENT = MAILBOX_RECIPIENT;
const MESSAGE = /^([a-z0-9-]{1,80})\.eml$/;

export async function listMailboxes(storeDir: string): Promise<MailboxMessage[]> {
  const entries: { folder: (typeof folders)[number]; recipient: string; id: string; path: string; mtimeMs: number; bytes: number }[] = [];
  for (const folder of folders) {
    for (const recipient of await names(join(storeDir, folder))) {
      if (!RECIPIENT.test(recipient)) continue;
      for (const file of await names(join(storeDir, folder, recipient))) {
        const m = MESSAGE.exec(file);
        if (!m) continue;
        const path = join(storeDir, folder, recipient, file);
        const st = await stat(path).catch(() => null);
        if (st?.isFile()) entries.push({ folder, recipient, id: m[1], path, mtimeMs: st.mtimeMs, bytes: st.size });
      }
    }
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const out: MailboxMessage[] = [];
  for (const e of entries.slice(0, MAX_LISTED)) {
    const h = await summary(e.path, e.mtimeMs, e.bytes);
    out.push({ id: e.id, folder: e.folder, recipient: e.recipient, bytes: e.bytes, receivedAt: new Date(e.mtimeMs).toISOString(), ...h });
  }
  return out;
}

type Summary = Pick<MailboxMessage, 'subject' | 'from' | 'scl'>;
/** Header summaries by path, valid while the file's mtime and size are unchanged: a refresh of the list reads only new files. */
const summaries = new Map<string, { mtimeMs: number; bytes: number; summary: Summary }>();
/** More than the list shows, so a full list never evicts its own entries. */
const MAX_CACHED = MAX_LISTED * 4;

async function summary(path: string, mtimeMs: number, bytes: number): Promise<Summary> {
  const hit = summaries.get(path);
  if (hit && hit.mtimeMs === mtimeMs && hit.bytes === bytes) return hit.summary;
  const { text } = await readPrefix(path, HEADER_BYTES);
  const headers = parseHeaders(text);
  const get = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
  const s: Summary = { subject: (get('subject') ?? '').slice(0, 300), from: (get('from') ?? '').slice(0, 300), scl: get('x-scl') };
  summaries.delete(path);
  summaries.set(path, { mtimeMs, bytes, summary: s });
  // Oldest first in a Map: drop those past the bound.
  for (const key of summaries.keys()) {
    if (summaries.size <= MAX_CACHED) break;
    summaries.delete(key);
  }
  return s;
}

export async function readMessage(storeDir: string, ref: { folder: string; recipient: string; id: string }) {
  if (!(folders as readonly string[]).includes(ref.folder) || !RECIPIENT.test(ref.recipient) || !/^[a-z0-9-]{1,80}$/.test(ref.id)) throw new ApiError('no such message');
  const path = join(storeDir, ref.folder, ref.recipient, `${ref.id}.eml`);
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new ApiError('no such message');
  const { text, truncated } = await readPrefix(path, HEADER_BYTES + BODY_BYTES);
  const split = /\r?\n\r?\n/.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  // Line ends as the viewer shows them: CRLF is the wire format, not content.
  const body = split ? text.slice(split.index + split[0].length).replace(/\r\n/g, '\n') : '';
  return { headers: parseHeaders(head), body, truncated, bytes: st.size };
}

/** Header fields, unfolded, in order; stops at the blank line. */
export function parseHeaders(text: string): [string, string][] {
  const end = /\r?\n\r?\n/.exec(text);
  const head = (end ? text.slice(0, end.index) : text).replace(/\r?\n[ \t]+/g, ' ');
  const out: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i).trim().slice(0, 200), line.slice(i + 1).trim().slice(0, 4000)]);
    if (out.length >= 500) break;
  }
  return out;
}

async function readPrefix(path: string, max: number): Promise<{ text: string; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    const { bytesRead } = await fh.read(buf, 0, max + 1, 0);
    return { text: buf.subarray(0, Math.min(bytesRead, max)).toString('utf8'), truncated: bytesRead > max };
  } finally {
    await fh.close();
  }
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
