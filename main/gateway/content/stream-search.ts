// Finds a fixed byte string in a stream of chunks without holding the stream: only the last
// needle-length - 1 bytes are carried over, so a match split across two chunks is still found.
export class StreamSearch {
  private carry = Buffer.alloc(0);
  found = false;

  constructor(private readonly needle: Buffer) {}

  push(chunk: Buffer): boolean {
    if (this.found) return true;
    const hay = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (hay.includes(this.needle)) return (this.found = true);
    this.carry = Buffer.from(hay.subarray(Math.max(0, hay.length - (this.needle.length - 1))));
    return false;
  }
}
