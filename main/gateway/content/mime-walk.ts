// Walks the leaf MIME parts of a spooled message as decoded byte streams (mailsplit), so the
// content layers see attachments as the recipient would, never the whole message in memory.
// A visitor chooses per part whether it wants the bytes; time and part count are bounded.
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { finished, pipeline } from 'node:stream/promises';
import { Splitter, type ContentStream, type MimeNode, type SplitterChunk } from '@zone-eu/mailsplit';
import type { Verdict } from '../define-layer.js';

export interface PartInfo {
  /** Position among all nodes (multipart containers included), stable across walks of one file. */
  index: number;
  /** Lower-case MIME type; text/plain when the part has none (RFC 2045 5.2). */
  contentType: string;
  filename: string | null;
  /** Sent as a file: a file name or Content-Disposition: attachment. */
  attachment: boolean;
}

/** Receives one part's decoded bytes, synchronously. */
export interface PartSink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface WalkControl {
  /** Ends the walk early: the caller has what it needs. */
  stop(): void;
}

export interface WalkLimits {
  timeoutMs: number;
  /** MIME nodes at most (mailsplit fails the walk beyond). */
  maxParts: number;
}

/**
 * Files up to this size are read in one call: a file stream costs about half a millisecond in
 * open/read/close round trips, more than parsing a typical message. Bounded: larger ones stream.
 */
export const READ_WHOLE_BYTES = 256 * 1024;

/** The message as a stream: the bytes already in memory, one read when small (size known), chunks otherwise. */
export async function fileSource(path: string, size?: number, bytes?: Buffer | null): Promise<Readable> {
  if (bytes) return Readable.from([bytes]);
  return size !== undefined && size <= READ_WHOLE_BYTES ? Readable.from([await readFile(path)]) : createReadStream(path);
}

/** A scan that could not finish: 451, the sender retries; nothing unscanned gets through. */
export const scanFailure = (what: string, err: unknown): Verdict => ({
  action: 'tempfail',
  reason: `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
});

const partInfo = (node: MimeNode, index: number): PartInfo => ({
  index,
  contentType: (node.contentType || 'text/plain').toLowerCase(),
  filename: node.filename || null,
  attachment: !!node.filename || node.disposition === 'attachment',
});

/** `size`, when given, lets a small file be read in one call (see READ_WHOLE_BYTES); `bytes`, the whole file already in memory, spares the read. */
export async function walkParts(path: string, visit: (part: PartInfo, ctl: WalkControl) => PartSink | null, limits: WalkLimits, size?: number, bytes?: Buffer | null): Promise<void> {
  // One controller for both ends (stop() and the deadline): AbortSignal.timeout/any cost more
  // per walk than parsing a small message.
  const stopper = new AbortController();
  const aborter = new AbortController();
  const signal = aborter.signal;
  const ctl: WalkControl = {
    stop: () => {
      stopper.abort();
      aborter.abort();
    },
  };
  const deadline = setTimeout(() => aborter.abort(), limits.timeoutMs);
  let index = 0;
  let current: { decoder: ContentStream; sink: PartSink } | null = null;

  const endPart = async () => {
    if (!current) return;
    const { decoder, sink } = current;
    current = null;
    decoder.end();
    await finished(decoder);
    sink.end();
  };

  const parts = new Writable({
    objectMode: true,
    write(chunk: SplitterChunk, _enc, done) {
      handle(chunk).then(() => done(), done);
    },
    final(done) {
      endPart().then(() => done(), done);
    },
  });

  const handle = async (chunk: SplitterChunk) => {
    if (chunk.type === 'node') {
      await endPart();
      const i = index++;
      if (chunk.multipart) return;
      const sink = visit(partInfo(chunk, i), ctl);
      if (!sink || stopper.signal.aborted) return;
      const decoder = chunk.getDecoder();
      // A decoding error or a sink bug fails the walk, never the process.
      decoder.on('error', (err) => parts.destroy(err));
      decoder.on('data', (d: Buffer) => {
        try {
          sink.write(d);
        } catch (err) {
          decoder.destroy(err as Error);
        }
      });
      current = { decoder, sink };
    } else if (chunk.type === 'body' && current) {
      const { decoder } = current;
      await new Promise<void>((resolve, reject) => decoder.write(chunk.value, (err) => (err ? reject(err) : resolve())));
    }
  };

  try {
    await pipeline(await fileSource(path, size, bytes), new Splitter({ maxChildNodes: limits.maxParts }), parts, { signal });
  } catch (err) {
    if (stopper.signal.aborted) return;
    if (signal.aborted) throw new Error(`content scan took over ${limits.timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(deadline);
  }
}
