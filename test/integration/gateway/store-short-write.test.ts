// A write to a regular file may write less than asked (a full disk, a signal). The store streams a
// large body (over 256 KiB) from the spool into the message file chunk by chunk: every short write
// must be followed by the rest, so what is acknowledged is the whole message, never a prefix of
// each chunk. The short writes are real (the first half of each buffer reaches the file, the call
// reports that much): node:fs/promises is wrapped for the store's temporary message files only.
import { mkdtempSync, rmSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startGateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { readStore, sendSession, storedMismatch, type Ack } from '../../support/smtp-raw.js';

const short = vi.hoisted(() => ({ under: '', writes: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  /** A store message file (`<store>/<folder>/<rcpt>/.<id>.tmp`) whose writes stop halfway. */
  const open: typeof real.open = async (path, ...rest) => {
    const fh = await real.open(path, ...rest);
    const p = String(path);
    if (!short.under || !p.startsWith(short.under) || !/\/\.[^/]+\.tmp$/.test(p)) return fh;
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number; buffer: unknown }>;
    return new Proxy(fh, {
      get(target, key) {
        if (key !== 'write') {
          const v = Reflect.get(target, key, target);
          return typeof v === 'function' ? v.bind(target) : v;
        }
        return (data: unknown, offset?: number, length?: number, position?: number | null) => {
          if (!Buffer.isBuffer(data)) return write(data, offset, length, position);
          const from = offset ?? 0;
          const len = length ?? data.length - from;
          if (len < 2) return write(data, from, len, position);
          short.writes++;
          return write(data, from, Math.floor(len / 2), position);
        };
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-short-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('store: a streamed body written in full despite short writes', () => {
  it('a 600 KB message stored byte for byte when every write to its file is short', { timeout: 60_000 }, async () => {
    const store = join(dir, 'store');
    const gw = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        storeDir: store,
        tls: { enabled: false },
        layers: { 'recipient-lookup': { directory: { users: ['user@lab.test'] }, tarpitSeconds: 0 }, 'connection-filter': { providers: [] } },
      },
      { resolver: createResolver(['127.0.0.1:1']) },
    );
    short.under = join(store, 'inbox') + sep;
    const acks: Ack[] = [];
    const refused: string[] = [];
    try {
      await sendSession(gw.port, 2, { bodyBytes: 600_000, onAck: (a) => acks.push(a), onRefused: (r) => refused.push(r.lines.join(' | ')) });
    } finally {
      short.under = '';
      await gw.stop(1000);
    }
    // The wrapper did cut the writes short (else this test proves nothing).
    expect(short.writes).toBeGreaterThan(10);
    // Written in full, or refused (4xx) and not stored: never half a message behind a 250.
    const stored = readStore(store);
    expect(acks.map((a) => storedMismatch(stored.get(a.id), a.message))).toEqual(acks.map(() => null));
    expect(stored.size).toBe(acks.length);
    expect(acks.length + refused.length).toBe(2);
    expect(refused.every((r) => /^4/.test(r))).toBe(true);
    // Both go through: a short write is not a failure, the rest follows.
    expect(acks).toHaveLength(2);
  });
});
