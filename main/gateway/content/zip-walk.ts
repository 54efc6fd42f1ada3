// Lists the entries of a zip archive as its bytes stream by, without extracting anything:
// local file headers (with their data handed to an optional sink) and the central directory
// (the names unzip tools show, which may differ from the local ones). Entries whose size is
// unknown (data descriptor) and unknown bytes are crossed by searching for the next header.
// Memory: one header (at most ~192 KiB) plus a chunk.
import type { PartSink } from './mime-walk.js';

export interface ZipEntry {
  name: string;
  source: 'local' | 'central';
  /** 0 stored, 8 deflated. */
  method: number;
  encrypted: boolean;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const HEADER_SIGS = [LOCAL, CENTRAL, END].map((s) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(s);
  return b;
});
export const ZIP_MAGIC = HEADER_SIGS[0];

type State = { k: 'sig' } | { k: 'data'; left: number; sink: PartSink | null } | { k: 'scan'; sink: PartSink | null } | { k: 'done' };

export class ZipWalker implements PartSink {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { k: 'sig' };
  private entries = 0;
  private started = false;
  /**
   * A zip not read to its end record: over maxEntries, cut short, or a local size that runs
   * past the end (which would hide the entries after it). Names may have been missed.
   */
  incomplete = false;

  /** onEntry may return a sink for a local entry's raw (still compressed) data. */
  constructor(private readonly opts: { maxEntries: number; onEntry(e: ZipEntry): PartSink | null }) {}

  write(chunk: Buffer): void {
    if (this.state.k === 'done') return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    // Not a zip (no local header at offset 0): ignore the rest cheaply.
    if (!this.started) {
      if (this.buf.length < 4) return;
      this.started = true;
      if (!this.buf.subarray(0, 4).equals(ZIP_MAGIC)) return this.finish();
    }
    while (this.step());
  }

  end(): void {
    if (this.state.k === 'scan') this.state.sink?.write(this.buf);
    if (this.started && this.state.k !== 'done') this.incomplete = true;
    this.finish();
  }

  private finish(): void {
    if (this.state.k === 'data' || this.state.k === 'scan') this.state.sink?.end();
    this.state = { k: 'done' };
    this.buf = Buffer.alloc(0);
  }

  private consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  /** One parsing step; false when more bytes are needed. */
  private step(): boolean {
    const s = this.state;
    if (s.k === 'done') return false;
    if (s.k === 'data') {
      const n = Math.min(s.left, this.buf.length);
      s.sink?.write(this.buf.subarray(0, n));
      this.consume(n);
      s.left -= n;
      if (s.left > 0) return false;
      s.sink?.end();
      this.state = { k: 'sig' };
      return true;
    }
    if (s.k === 'scan') {
      const at = Math.min(...HEADER_SIGS.map((sig) => this.buf.indexOf(sig)).filter((i) => i >= 0));
      if (!Number.isFinite(at)) {
        // Keep 3 bytes: they may be the start of a signature split across chunks.
        const keep = Math.min(3, this.buf.length);
        s.sink?.write(this.buf.subarray(0, this.buf.length - keep));
        this.consume(this.buf.length - keep);
        return false;
      }
      s.sink?.write(this.buf.subarray(0, at));
      s.sink?.end();
      this.consume(at);
      this.state = { k: 'sig' };
      return true;
    }
    if (this.buf.length < 4) return false;
    const sig = this.buf.readUInt32LE(0);
    if (sig === LOCAL) return this.local();
    if (sig === CENTRAL) return this.central();
    if (sig === END || sig === END64) {
      this.finish();
      return false;
    }
    this.state = { k: 'scan', sink: null }; // data descriptor or junk: find the next header
    return true;
  }

  private local(): boolean {
    if (this.buf.length < 30) return false;
    const nameLen = this.buf.readUInt16LE(26);
    const total = 30 + nameLen + this.buf.readUInt16LE(28);
    if (this.buf.length < total) return false;
    const flags = this.buf.readUInt16LE(6);
    const size = this.buf.readUInt32LE(18);
    const sink = this.emit({ name: this.name(30, nameLen, flags), source: 'local', method: this.buf.readUInt16LE(8), encrypted: (flags & 1) === 1 });
    if (this.state.k === 'done') return false;
    this.consume(total);
    // Bit 3: sizes follow the data; 0xffffffff: zip64 sizes in the extra field. Search instead.
    this.state = (flags & 8) !== 0 || size === 0xffffffff ? { k: 'scan', sink } : { k: 'data', left: size, sink };
    return true;
  }

  private central(): boolean {
    if (this.buf.length < 46) return false;
    const nameLen = this.buf.readUInt16LE(28);
    const total = 46 + nameLen + this.buf.readUInt16LE(30) + this.buf.readUInt16LE(32);
    if (this.buf.length < total) return false;
    const flags = this.buf.readUInt16LE(8);
    this.emit({ name: this.name(46, nameLen, flags), source: 'central', method: this.buf.readUInt16LE(10), encrypted: (flags & 1) === 1 });
    if (this.state.k === 'done') return false;
    this.consume(total);
    return true;
  }

  private emit(e: ZipEntry): PartSink | null {
    if (++this.entries > this.opts.maxEntries) {
      this.incomplete = true;
      this.finish();
      return null;
    }
    return this.opts.onEntry(e);
  }

  /** Bit 11 marks UTF-8 names; others are CP437, close enough to latin1 for extensions. */
  private name(at: number, len: number, flags: number): string {
    return this.buf.toString(flags & 0x800 ? 'utf8' : 'latin1', at, at + len);
  }
}
