// The SpooledMessage the data-phase layers share. Its MIME facts come from one walk of the file,
// memoized: spam filter, attachment blocking and anti-virus read the message once between them.
// A layer that rewrites the file (attachment stripping, subject tag) goes through replaceFile(),
// which swaps the file in and forgets the facts, so later layers judge what will be stored.
// The core releases the message when it is done with it (releaseSpool): the spool file goes then,
// or once a layer's write still in flight has settled; a layer's job that outlives its verdict
// (or the session) writes nothing after that.
import { unlinkSync } from 'node:fs';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import type { SpooledMessage } from '../define-layer.js';
import { DEFAULT_FACT_LIMITS, gatherFacts, type FactLimits, type MessageFacts } from './message-facts.js';
import { READ_WHOLE_BYTES } from './mime-walk.js';

/** Header bytes kept for quick decisions, as the core keeps them. */
const MAX_HEADER_CHARS = 64 * 1024;

interface SpoolState {
  /** Writes to `path` in flight (file(), replaceFile()). */
  busy: Set<Promise<unknown>>;
  /** Something may be at `path`: it was spooled there, or a layer asked for or replaced the file. */
  touched: boolean;
  released: boolean;
}
const states = new WeakMap<SpooledMessage, SpoolState>();

/** Counts `p` as a write in flight until it settles. */
function track<T>(st: SpoolState, p: Promise<T>): Promise<T> {
  st.busy.add(p);
  const done = () => void st.busy.delete(p);
  p.then(done, done);
  return p;
}

const released = (path: string) => new Error(`spool file ${path} already released: the message was answered or its session ended`);

/**
 * `bytes`: the whole message when the core still holds it (small mail), so the walk and the store
 * need not read the file back; ignored unless it is `size` long. `onDisk: false`: nothing is at
 * `path` yet (the core kept small mail in memory); file() writes it there when a layer needs it.
 */
export function createSpooledMessage(init: { path: string; size: number; headers: string; bytes?: Buffer; onDisk?: boolean }): SpooledMessage {
  /** Walks by limits: layers left at their defaults share one; other limits get their own walk. */
  let memo = new Map<string, Promise<MessageFacts>>();
  let onDisk = init.onDisk ?? true;
  if (!onDisk && init.bytes?.length !== init.size) throw new Error('a message not on disk needs its bytes');
  let bytes = init.bytes && init.bytes.length === init.size && (init.size <= READ_WHOLE_BYTES || !onDisk) ? init.bytes : null;
  let writing: Promise<string> | null = null;
  const st: SpoolState = { busy: new Set(), touched: onDisk, released: false };
  const message: SpooledMessage = {
    path: init.path,
    size: init.size,
    headers: init.headers,
    get bytes() {
      return bytes;
    },
    get onDisk() {
      return onDisk;
    },
    file() {
      if (onDisk) return Promise.resolve(message.path);
      if (writing) return writing; // one write however many layers ask at once
      if (st.released) return Promise.reject(released(message.path));
      st.touched = true;
      return (writing = track(
        st,
        writeFile(message.path, bytes!, { mode: 0o600 }).then(() => {
          onDisk = true;
          return message.path;
        }),
      ));
    },
    facts(limits: Partial<FactLimits> = {}) {
      const l = { ...DEFAULT_FACT_LIMITS };
      for (const [k, v] of Object.entries(limits) as [keyof FactLimits, number | undefined][]) if (v !== undefined) l[k] = v;
      const key = `${l.timeoutMs}/${l.maxParts}/${l.maxZipEntries}/${l.maxZipEntryBytes}`;
      let p = memo.get(key);
      if (!p) memo.set(key, (p = gatherFacts(message.path, l, message.size, bytes)));
      return p;
    },
    replaceFile(newPath: string, headers?: string) {
      // Too late (the core is done with the message): the new file goes, nothing is swapped in.
      if (st.released) return unlink(newPath).catch(() => {}).then(() => Promise.reject(released(message.path)));
      st.touched = true;
      return track(
        st,
        (async () => {
          await writing?.catch(() => {});
          try {
            // Same directory: an atomic swap, the old file never half-replaced.
            await rename(newPath, message.path);
          } catch (err) {
            await unlink(newPath).catch(() => {});
            throw err;
          }
          message.size = (await stat(message.path)).size;
          if (headers !== undefined) message.headers = headers.slice(0, MAX_HEADER_CHARS);
          memo = new Map();
          bytes = null;
          onDisk = true;
        })(),
      );
    },
  };
  states.set(message, st);
  return message;
}

/**
 * The core is done with the message (answered, refused, or its client gone): its spool file is
 * removed now, or when a layer's write still in flight settles (also a failed one, which may
 * have left part of a file). Small mail nobody asked a file for was never written: nothing to do.
 */
export function releaseSpool(message: SpooledMessage): void {
  const st = states.get(message);
  if (!st) throw new Error('not a spooled message of createSpooledMessage');
  st.released = true;
  if (!st.touched) return;
  if (st.busy.size) {
    // Nothing new starts once released, so these are the last writes.
    void Promise.allSettled([...st.busy]).then(() => releaseSpool(message));
    return;
  }
  removeNow(message.path);
}

/** A metadata operation on a file just written: done at once, not through the thread pool. */
export function removeNow(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* never written (client gone early) or already removed */
  }
}
