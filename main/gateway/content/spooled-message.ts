// The SpooledMessage the data-phase layers share. Its MIME facts come from one walk of the file,
// memoized: spam filter, attachment blocking and anti-virus read the message once between them.
// A layer that rewrites the file (attachment stripping, subject tag) goes through replaceFile(),
// which swaps the file in and forgets the facts, so later layers judge what will be stored.
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import type { SpooledMessage } from '../define-layer.js';
import { DEFAULT_FACT_LIMITS, gatherFacts, type FactLimits, type MessageFacts } from './message-facts.js';
import { READ_WHOLE_BYTES } from './mime-walk.js';

/** Header bytes kept for quick decisions, as the core keeps them. */
const MAX_HEADER_CHARS = 64 * 1024;

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
      // One write however many layers ask at once.
      return (writing ??= writeFile(message.path, bytes!, { mode: 0o600 }).then(() => {
        onDisk = true;
        return message.path;
      }));
    },
    facts(limits: Partial<FactLimits> = {}) {
      const l = { ...DEFAULT_FACT_LIMITS };
      for (const [k, v] of Object.entries(limits) as [keyof FactLimits, number | undefined][]) if (v !== undefined) l[k] = v;
      const key = `${l.timeoutMs}/${l.maxParts}/${l.maxZipEntries}/${l.maxZipEntryBytes}`;
      let p = memo.get(key);
      if (!p) memo.set(key, (p = gatherFacts(message.path, l, message.size, bytes)));
      return p;
    },
    async replaceFile(newPath: string, headers?: string) {
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
    },
  };
  return message;
}
