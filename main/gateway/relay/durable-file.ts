// Files that survive a crash or a power cut once the call returns: written to a temporary name,
// fsynced, renamed into place, and the directory fsynced so the new name is on disk too.
import { link, copyFile, open, rename, unlink } from 'node:fs/promises';
import { syncDir } from '../../fs/write-file-atomic.js';
import { basename, dirname, join } from 'node:path';

export { syncDir } from '../../fs/write-file-atomic.js';
/** Replaces `path` atomically with `data`, durably. */
export { writeFileAtomic as writeDurable } from '../../fs/write-file-atomic.js';

/**
 * Gives `from` a second durable name `to`: a hard link (same file system, no copy), else a
 * fsynced copy. Nothing is renamed over an existing `to`.
 */
export async function linkDurable(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
    const tmp = join(dirname(to), `.${basename(to)}.tmp`);
    await copyFile(from, tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, to);
  }
  await syncDir(dirname(to));
}
