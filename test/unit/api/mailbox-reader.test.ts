// The mailbox viewer reads the real store layout the gateway writes (storeMessage), bounded,
// and nothing outside it.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeMessage } from '../../../main/gateway/mail-store.js';
import { listMailboxes, readMessage } from '../../../main/api/mailbox-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-mbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function store(folder: 'inbox' | 'junk' | 'quarantine', rcpt: string, header: string, body: string) {
  const bodyPath = join(dir, `body-${Math.random()}`);
  writeFileSync(bodyPath, body);
  return storeMessage(join(dir, 'store'), folder, [rcpt], header, bodyPath);
}

describe('mailbox reader', () => {
  it('lists each folder with subject, sender and X-SCL, and reads a message', async () => {
    await store('inbox', 'alice@lab.test', 'X-SCL: 1\r\nFrom: a@friend.test\r\nSubject: hello\r\n', '\r\nbody line\r\n');
    const junk = await store('junk', 'Bob@Lab.test', 'X-SCL: 7\r\nSubject: =?utf-8?q?cheap?=\r\n\tpills\r\n', '\r\nbuy\r\n');
    const list = await listMailboxes(join(dir, 'store'));
    expect(list.map((m) => [m.folder, m.recipient, m.subject, m.scl])).toEqual(
      expect.arrayContaining([
        ['inbox', 'alice@lab.test', 'hello', '1'],
        ['junk', 'bob@lab.test', '=?utf-8?q?cheap?= pills', '7'],
      ]),
    );
    const m = await readMessage(join(dir, 'store'), { folder: 'junk', recipient: 'bob@lab.test', id: junk.id });
    expect(m.headers).toContainEqual(['X-SCL', '7']);
    expect(m.body).toBe('buy\n');
    expect(m.truncated).toBe(false);
  });

  it('reads a listed message\'s headers again only when its mtime or size changed', async () => {
    const m = await store('inbox', 'alice@lab.test', 'Subject: first\r\n', '\r\nbody\r\n');
    const path = m.paths[0];
    const subjects = async () => (await listMailboxes(join(dir, 'store'))).map((x) => x.subject);
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000); // whole seconds: set back exactly below
    utimesSync(path, mtime, mtime);
    expect(await subjects()).toEqual(['first']);
    // Same size and mtime: the cached summary (the file is not read again).
    writeFileSync(path, readFileSync(path, 'utf8').replace('Subject: first', 'Subject: other'));
    utimesSync(path, mtime, mtime);
    expect(await subjects()).toEqual(['first']);
    // A new mtime: read again.
    utimesSync(path, new Date(mtime.getTime() + 5000), new Date(mtime.getTime() + 5000));
    expect(await subjects()).toEqual(['other']);
  });

  it('bounds a huge message', async () => {
    const big = await store('inbox', 'alice@lab.test', 'Subject: big\r\n', `\r\n${'x'.repeat(2_000_000)}`);
    const m = await readMessage(join(dir, 'store'), { folder: 'inbox', recipient: 'alice@lab.test', id: big.id });
    expect(m.truncated).toBe(true);
    expect(m.body.length).toBeLessThan(400_000);
    expect(m.bytes).toBeGreaterThan(2_000_000);
  });

  it('reads nothing outside the store', async () => {
    mkdirSync(join(dir, 'store', 'inbox'), { recursive: true });
    // Where inbox/../secret.eml and inbox/./../secret.eml would land: a hole would read it.
    writeFileSync(join(dir, 'store', 'secret.eml'), 'Subject: secret\r\n\r\n');
    writeFileSync(join(dir, 'store', 'inbox', 'secret.eml'), 'Subject: secret\r\n\r\n');
    writeFileSync(join(dir, 'secret.eml'), 'Subject: secret\r\n\r\n');
    for (const ref of [
      { folder: 'inbox', recipient: '..', id: 'secret' },
      { folder: 'inbox', recipient: '.', id: 'secret' },
      { folder: '..', recipient: 'store', id: 'secret' },
      { folder: 'inbox', recipient: 'alice@lab.test', id: '../../../secret' },
    ]) await expect(readMessage(join(dir, 'store'), ref)).rejects.toThrow('no such message');
    expect(await listMailboxes(join(dir, 'missing'))).toEqual([]);
  });
});
