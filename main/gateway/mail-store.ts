// The mail store: a message is on disk, fsynced, in every recipient's folder before the 250
// is sent. Nothing acknowledged is ever lost, even on kill -9 right after the reply.
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { normalizeAddress } from './address.js';
import { READ_WHOLE_BYTES } from './content/mime-walk.js';

export type Folder = 'inbox' | 'junk' | 'quarantine';

export interface StoredMessage {
  id: string;
  paths: string[];
}

/** Folder names from addresses: lower-case, and nothing that could climb out of the store. */
const safeName = (address: string) => normalizeAddress(address).replace(/[^a-z0-9@._+-]/g, '_').replace(/^\.+/, '_');

/**
 * `body`: the message already in memory (SpooledMessage.bytes), sparing a read of `bodyPath`;
 * `bodySize`: its size on disk when known (SpooledMessage.size), sparing a stat.
 */
export async function storeMessage(storeDir: string, folder: Folder, recipients: readonly string[], header: string, bodyPath: string, body?: Buffer | null, bodySize?: number): Promise<StoredMessage> {
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const paths: string[] = [];
  /** A small body read once for every recipient; null when it is streamed. */
  let small: Buffer | null | undefined = body ?? undefined;
  for (const rcpt of new Set(recipients.map(safeName))) {
    const dir = join(storeDir, folder, rcpt);
    const final = join(dir, `${id}.eml`);
    const tmp = join(dir, `.${id}.tmp`);
    await ensureDir(dir);
    small ??= await readSmall(bodyPath, bodySize);
    try {
      await writeDurably(tmp, header, bodyPath, small);
    } catch (err) {
      // The folder was removed since it was created (a mailbox emptied by hand): create it again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !knownDirs.delete(dir)) throw err;
      await ensureDir(dir);
      await writeDurably(tmp, header, bodyPath, small);
    }
    try {
      await rename(tmp, final);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    // The rename is durable only once the directory entry is on disk too: one fsync of the folder
    // that starts after this rename, shared by every message renamed meanwhile (group commit).
    await syncDirGrouped(dir);
    paths.push(final);
  }
  return { id, paths };
}

/**
 * Folders made durable in this process, or being made so: no mkdir per message. Concurrent first
 * deliveries to a new folder all wait for the same creation and parent fsyncs.
 */
const knownDirs = new Map<string, Promise<void>>();

function ensureDir(dir: string): Promise<void> {
  let ready = knownDirs.get(dir);
  if (!ready) {
    ready = (async () => {
      const created = await mkdir(dir, { recursive: true });
      // The folder's entry is durable only once its parents are fsynced: also when it already
      // existed (a previous run may have crashed between its mkdir and those fsyncs).
      const top = dirname(created ?? dir);
      for (let d = dirname(dir); d.length >= top.length; d = dirname(d)) await syncDir(d);
    })();
    knownDirs.set(dir, ready);
    ready.catch(() => knownDirs.delete(dir));
  }
  return ready;
}

/** Writes `tmp` and fsyncs it. */
async function writeDurably(tmp: string, header: string, bodyPath: string, small: Buffer | null): Promise<void> {
  const fh = await open(tmp, 'w');
  try {
    await writeBody(fh, header, bodyPath, small);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
const dirSyncs = new Map<string, { running: Promise<void> | null; next: Promise<void> | null }>();

/** Resolves once an fsync of `dir` that started after this call has finished. */
function syncDirGrouped(dir: string): Promise<void> {
  let s = dirSyncs.get(dir);
  if (!s) dirSyncs.set(dir, (s = { running: null, next: null }));
  const st = s;
  const start = (): Promise<void> => {
    const p: Promise<void> = syncDir(dir).finally(() => {
      if (st.running === p) st.running = null;
    });
    st.running = p;
    return p;
  };
  if (!st.running) return start();
  st.next ??= st.running.catch(() => {}).then(() => {
    st.next = null;
    return start();
  });
  return st.next;
}

/** The body when it is small enough to read in one call (a file stream costs ~0.5 ms); null otherwise. */
async function readSmall(bodyPath: string, size?: number): Promise<Buffer | null> {
  // stat, not open, when the size is not known: a large body is then opened once, by the stream.
  if ((size ?? (await stat(bodyPath)).size) > READ_WHOLE_BYTES) return null;
  const body = await readFile(bodyPath);
  return body.length <= READ_WHOLE_BYTES ? body : null;
}

async function writeBody(fh: FileHandle, header: string, bodyPath: string, small: Buffer | null): Promise<void> {
  if (small) {
    const head = Buffer.from(header);
    const { bytesWritten } = await fh.writev([head, small]);
    // A short write to a regular file means the disk is full: never store half a message.
    if (bytesWritten !== head.length + small.length) throw new Error(`short write to the store (${bytesWritten} of ${head.length + small.length} bytes)`);
    return;
  }
  await writeAll(fh, Buffer.from(header));
  // Streamed from the spool: a large message is never held whole in memory.
  for await (const chunk of createReadStream(bodyPath)) await writeAll(fh, chunk as Buffer);
}

/** Writes all of `data`: a short write is retried, so a full disk ends in an error (ENOSPC), never half a message. */
async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length; ) done += (await fh.write(data, done, data.length - done)).bytesWritten;
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export const STORE_FOLDERS: readonly Folder[] = ['inbox', 'junk', 'quarantine'];

/**
 * Removes what a crash left in the store: spooled DATA (`.spool/*`) and half-written messages
 * (`<folder>/<recipient>/.<id>.tmp`). Neither was acknowledged with a 250, so the client keeps
 * the message and retries. Stored messages (`<id>.eml`) and anything else are left alone.
 * Returns the paths removed.
 */
export async function cleanStoreLeftovers(storeDir: string): Promise<string[]> {
  const removed: string[] = [];
  const list = (dir: string) => readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  const spool = join(storeDir, '.spool');
  for (const e of await list(spool)) {
    const path = join(spool, e.name);
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  for (const folder of STORE_FOLDERS) {
    for (const rcpt of await list(join(storeDir, folder))) {
      if (!rcpt.isDirectory()) continue;
      const dir = join(storeDir, folder, rcpt.name);
      for (const f of await list(dir)) {
        if (!f.isFile() || !/^\..*\.tmp$/.test(f.name)) continue;
        await unlink(join(dir, f.name)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
        removed.push(join(dir, f.name));
      }
    }
  }
  return removed;
}
