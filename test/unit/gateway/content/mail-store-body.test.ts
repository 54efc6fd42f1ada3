// The store writes the trace header and the body, from the spool file or from the bytes the core
// kept in memory: the same stored file either way, for every recipient, small or large.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeMessage } from '../../../../main/gateway/mail-store.js';
import { READ_WHOLE_BYTES } from '../../../../main/gateway/content/mime-walk.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-store-body-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('storeMessage', () => {
  it.each([
    ['small, from the file', 3000, false],
    ['small, from memory', 3000, true],
    ['large, streamed', READ_WHOLE_BYTES + 5000, false],
  ])('%s: header then body, byte for byte, in each recipient folder', async (_label, size, inMemory) => {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 7) % 256;
    const spool = join(dir, `spool-${size}-${inMemory}.eml`);
    writeFileSync(spool, body);
    const store = join(dir, `store-${size}-${inMemory}`);
    const header = 'Received: from x by y; now\r\nX-SCL: 0\r\n';
    const stored = await storeMessage(store, 'inbox', ['a@lab.test', 'B@lab.test'], header, spool, inMemory ? body : undefined);
    expect(stored.paths.map((p) => p.slice(store.length))).toEqual([`/inbox/a@lab.test/${stored.id}.eml`, `/inbox/b@lab.test/${stored.id}.eml`]);
    for (const p of stored.paths) expect(readFileSync(p).equals(Buffer.concat([Buffer.from(header), body]))).toBe(true);
  });
});
