// The spool holds a message only while its session needs it. When the client goes away in the
// middle of DATA, or while the data-phase layers are still at work, the spool file is removed
// without waiting for the next start, also when a layer writes it (SpooledMessage.file(),
// replaceFile()) after the core has let the message go: the file goes once that write settles,
// and a rewrite swapped in too late is dropped, not left behind.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { defineLayer } from '../../../main/gateway/define-layer.js';
import { layerRegistry } from '../../../main/gateway/layer-registry.js';
import { createResolver } from '../../../main/net/resolver.js';
import { dotStuff, RawSmtp, testMessage } from '../../support/smtp-raw.js';

/**
 * Waits for the client to go, then (without awaiting it) asks for the message's file and swaps
 * in a rewrite of it, as a layer whose job outlives its verdict and its session would.
 */
const lateWriter = defineLayer({
  id: 'late-writer',
  title: 'Test layer writing the spool after the session ended',
  options: z.object({}).strict().default({}),
  init: () => ({ waiting: new Map<string, () => void>(), jobs: [] as Promise<string>[] }),
  hooks: {
    async data(ctx, message) {
      const { waiting, jobs } = ctx.state;
      await new Promise<void>((r) => waiting.set(ctx.session.id, r));
      jobs.push(
        (async () => {
          const path = await message.file();
          await writeFile(`${path}.late`, 'rewritten after the session ended\r\n');
          await message.replaceFile(`${path}.late`);
          return 'swapped in';
        })().catch((err: Error) => err.message),
      );
      return { action: 'tempfail', reason: 'client gone' };
    },
    close(ctx) {
      ctx.state.waiting.get(ctx.session.id)?.();
      ctx.state.waiting.delete(ctx.session.id);
    },
  },
});

const store = mkdtempSync(join(tmpdir(), 'mxaudit-spool-release-'));
const spool = join(store, '.spool');
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      tls: { enabled: false },
      order: ['recipient-lookup', 'late-writer'],
      layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 } },
    },
    { resolver: createResolver(['127.0.0.1:1']), layers: [...layerRegistry, lateWriter] },
  );
});
afterAll(async () => {
  await gw.stop(0);
  rmSync(store, { recursive: true, force: true });
});

/** A session at the DATA go-ahead. */
async function inData(): Promise<RawSmtp> {
  const c = await RawSmtp.connect(gw.port);
  for (const [cmd, want] of [[null, 220], ['EHLO client.example', 250], ['MAIL FROM:<a@b.test>', 250], ['RCPT TO:<alice@lab.test>', 250], ['DATA', 354]] as const) {
    const r = cmd ? await c.command(cmd) : await c.reply();
    if (r.code !== want) throw new Error(`${cmd ?? 'banner'}: ${r.lines.join(' | ')}`);
  }
  return c;
}

const spoolFiles = () => (existsSync(spool) ? readdirSync(spool) : []);

/** Empty now and still empty a while later (a late write would bring a file back). */
async function expectSpoolStaysEmpty() {
  await expect.poll(spoolFiles, { timeout: 3000 }).toEqual([]);
  await new Promise((r) => setTimeout(r, 300));
  expect(spoolFiles()).toEqual([]);
}

describe('spool files go when the session ends, without a restart', () => {
  it('client gone in the middle of DATA (200 KB spooled to disk, no end of data)', async () => {
    const c = await inData();
    await c.write(testMessage('mid-data', 200_000).replace(/^\./gm, '..'));
    // The gateway spools past its 64 KiB buffer: there is a file to clean up.
    await expect.poll(() => spoolFiles().length, { timeout: 3000 }).toBe(1);
    c.destroy();
    await expectSpoolStaysEmpty();
  });

  it('client gone while a layer works; the layer then writes the spool file and swaps in a rewrite', async () => {
    const state = gw.layerState('late-writer') as { waiting: Map<string, unknown>; jobs: Promise<string>[] };
    // Small mail (kept in memory, the layer's file() writes it) and large mail (spooled to disk).
    for (const [marker, size] of [['small', 2_000], ['large', 200_000]] as const) {
      const c = await inData();
      await c.write(dotStuff(testMessage(marker, size)));
      // The whole message is in and the layer at work: now the client goes.
      await expect.poll(() => state.waiting.size, { timeout: 3000 }).toBe(1);
      c.destroy();
      await expect.poll(() => state.jobs.length, { timeout: 3000 }).toBeGreaterThan(0);
      const outcome = await state.jobs.splice(0)[0];
      await expectSpoolStaysEmpty();
      // What the layer was told: too late, its rewrite was not swapped in.
      expect(outcome).toMatch(/already released/);
    }
    expect(gw.openSessions()).toBe(0);
  });
});
