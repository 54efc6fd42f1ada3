// Start-up cleanup: spooled DATA and half-written store files left by a crash were never
// acknowledged (no 250), so the gateway removes them before accepting mail; stored messages and
// everything else in the store stay.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../main/gateway/server.js';
import { cleanStoreLeftovers } from '../../../main/gateway/mail-store.js';
import { createResolver } from '../../../main/net/resolver.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function crashedStore(name: string) {
  const store = join(dir, name);
  const put = (rel: string, text = 'x') => {
    const path = join(store, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  return {
    store,
    leftovers: [put('.spool/abc-1234.eml'), put('.spool/def-5678.eml'), put('inbox/alice@lab.test/.m1-aa.tmp'), put('junk/bob@lab.test/.m2-bb.tmp'), put('quarantine/alice@lab.test/.m3-cc.tmp')],
    kept: [put('inbox/alice@lab.test/m0-00.eml', 'stored'), put('inbox/alice@lab.test/notes.tmp'), put('tls/cert.pem'), put('other/.x.tmp')],
  };
}

describe('store cleanup at gateway start', () => {
  it('cleanStoreLeftovers removes spool files and hidden .tmp files in the folders, nothing else', async () => {
    const s = crashedStore('direct');
    const removed = await cleanStoreLeftovers(s.store);
    expect(removed.sort()).toEqual([...s.leftovers].sort());
    for (const p of s.leftovers) expect(existsSync(p), p).toBe(false);
    for (const p of s.kept) expect(existsSync(p), p).toBe(true);
  });

  it('a missing store is not an error', async () => {
    expect(await cleanStoreLeftovers(join(dir, 'nothing-here'))).toEqual([]);
  });

  it('startGateway cleans the store before listening', async () => {
    const s = crashedStore('gateway');
    const gw = await startGateway({ listen: { host: '127.0.0.1', port: 0 }, storeDir: s.store, tls: { enabled: false } }, { resolver: createResolver(['127.0.0.1:1']) });
    try {
      for (const p of s.leftovers) expect(existsSync(p), p).toBe(false);
      for (const p of s.kept) expect(existsSync(p), p).toBe(true);
      expect(readdirSync(join(s.store, '.spool'))).toEqual([]);
    } finally {
      await gw.stop(0);
    }
  });
});
