// Receives the DATA stream, never holding more than SPOOL_BUFFER_BYTES of it in memory. Most mail
// is smaller than that: it is handed on in memory and reaches the disk only in the store (or when
// a layer needs a file: SpooledMessage.file()). Creating a spool file costs ~0.5 ms on ext4 under
// load (the open waits for the journal the store's fsyncs keep busy). Larger mail is written to
// its spool file as it comes, in batches, with the stream paused while a batch is written.
// stream.pipeline() would cost more than the write itself on small mail.
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes buffered before the spool file is written to (per session at most this much in memory). */
export const SPOOL_BUFFER_BYTES = 64 * 1024;
/** Header bytes kept in memory for layers that decide on headers. */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface SpooledData {
  size: number;
  /** The whole message when it was small enough to stay in memory (then nothing was written to the spool file); null otherwise. */
  bytes: Buffer | null;
  /** The header block as received (up to MAX_HEADER_BYTES), without the blank line. */
  headers: string;
}

export async function spoolData(stream: AsyncIterable<Buffer>, path: string): Promise<SpooledData> {
  let size = 0;
  let head = '';
  let headDone = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let fh: FileHandle | null = null;
  let bytes: Buffer | null = null;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (!headDone) {
        head += chunk.toString('latin1', 0, Math.min(chunk.length, MAX_HEADER_BYTES - head.length));
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) head = head.slice(0, end);
        headDone = end >= 0 || head.length >= MAX_HEADER_BYTES;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= SPOOL_BUFFER_BYTES) {
        fh ??= await open(path, 'w', 0o600);
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        await fh.writev(batch);
      }
    }
    if (fh) {
      if (pending.length) await fh.writev(pending);
    } else {
      // Small mail: kept for the layers and the store; no file unless a layer asks for one.
      bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    }
  } finally {
    await fh?.close();
  }
  // Headers are text; latin1 keeps every byte as one character (as the layers expect to see them).
  return { size, bytes, headers: Buffer.from(head, 'latin1').toString('utf8') };
}
