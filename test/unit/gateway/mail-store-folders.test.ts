import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeMessage } from '../../../main/gateway/mail-store.js';

describe('mail store folders', () => {
  it('a folder removed after the store created it is created again (the folder cache is dropped on ENOENT)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-store-'));
    try {
      const body = join(dir, 'body.eml');
      writeFileSync(body, 'Subject: x\r\n\r\nhello\r\n');
      const first = await storeMessage(join(dir, 'store'), 'inbox', ['Bob@Example.test'], 'Received: a\r\n', body);
      expect(readFileSync(first.paths[0], 'utf8')).toBe('Received: a\r\nSubject: x\r\n\r\nhello\r\n');
      rmSync(join(dir, 'store', 'inbox', 'bob@example.test'), { recursive: true });
      const second = await storeMessage(join(dir, 'store'), 'inbox', ['bob@example.test'], 'Received: b\r\n', body, Buffer.from('in memory\r\n'));
      expect(readFileSync(second.paths[0], 'utf8')).toBe('Received: b\r\nin memory\r\n');
      // Concurrent messages to one folder share its fsync and are all there.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => storeMessage(join(dir, 'store'), 'inbox', ['bob@example.test'], `Received: ${i}\r\n`, body)));
      for (const [i, m] of many.entries()) expect(readFileSync(m.paths[0], 'utf8')).toBe(`Received: ${i}\r\nSubject: x\r\n\r\nhello\r\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mail store body size', () => {
  it('a known size spares the stat; a large body is stored whole even if the size given was wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-store-'));
    try {
      const body = join(dir, 'body.eml');
      const big = `Subject: big\r\n\r\n${'y'.repeat(300_000)}\r\n`;
      writeFileSync(body, big);
      const right = await storeMessage(join(dir, 'store'), 'inbox', ['bob@example.test'], 'Received: a\r\n', body, null, big.length);
      const wrong = await storeMessage(join(dir, 'store'), 'inbox', ['bob@example.test'], 'Received: b\r\n', body, null, 10);
      expect(readFileSync(right.paths[0], 'utf8')).toBe(`Received: a\r\n${big}`);
      expect(readFileSync(wrong.paths[0], 'utf8')).toBe(`Received: b\r\n${big}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
