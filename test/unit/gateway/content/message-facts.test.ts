// The one MIME walk the content layers share: what it finds (decoded parts, first bytes, zip
// names, EICAR and GTUBE wherever the recipient would see them, URLs), that it runs once per
// file version (the layers' default limits share it), and that replaceFile() makes it run again.
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createSpooledMessage } from '../../../../main/gateway/content/spooled-message.js';
import { EICAR, GTUBE, MAX_URLS, gatherFacts, DEFAULT_FACT_LIMITS } from '../../../../main/gateway/content/message-facts.js';
import spamFilter from '../../../../main/gateway/layers/spam-filter.js';
import attachmentBlocking from '../../../../main/gateway/layers/attachment-blocking.js';
import antivirus from '../../../../main/gateway/layers/antivirus.js';
import { makeZip } from '../../../support/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function spool(mail: Mail.Options): Promise<string> {
  const raw = await new MailComposer({ from: 'a@example.org', to: 'b@lab.test', subject: 'facts', ...mail }).compile().build();
  const path = join(dir, `${n++}.eml`);
  writeFileSync(path, raw);
  return path;
}

const spooled = (path: string) => createSpooledMessage({ path, size: statSync(path).size, headers: '' });

describe('gatherFacts', () => {
  it('sees each leaf part decoded: type, name, size, first bytes; EICAR and GTUBE once decoded', async () => {
    const path = await spool({
      text: `hello ${GTUBE}`,
      textEncoding: 'base64',
      attachments: [
        { filename: 'tool.bin', content: Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0]), Buffer.alloc(100)]) },
        { filename: 'eicar.txt', content: EICAR },
      ],
    });
    const f = await gatherFacts(path, DEFAULT_FACT_LIMITS);
    expect(f.gtube).toBe(true);
    expect(f.parts.map((p) => [p.index, p.contentType, p.filename, p.attachment, p.decodedSize, p.eicar])).toEqual([
      [1, 'text/plain', null, false, 6 + GTUBE.length, false],
      [2, 'application/octet-stream', 'tool.bin', true, 104, false],
      [3, 'text/plain', 'eicar.txt', true, EICAR.length, true],
    ]);
    expect(f.parts[1].head.subarray(0, 2).toString()).toBe('MZ');
  });

  it('GTUBE counts only in the message text, not in an attached file', async () => {
    const f = await gatherFacts(await spool({ text: 'clean', attachments: [{ filename: 'spam-sample.txt', content: GTUBE }] }), DEFAULT_FACT_LIMITS);
    expect(f.gtube).toBe(false);
  });

  it('lists zip names (local and central once each) and finds EICAR in a deflated entry', async () => {
    const zip = makeZip([
      { name: 'readme.txt', data: 'hi' },
      { name: 'deep/eicar.com', data: EICAR, deflate: true, descriptor: true },
    ]);
    const f = await gatherFacts(await spool({ text: 'zip', attachments: [{ filename: 'a.zip', content: zip }] }), DEFAULT_FACT_LIMITS);
    expect(f.parts[1].zip).toEqual({ names: ['readme.txt', 'deep/eicar.com'], incomplete: false });
    expect(f.parts[1].eicar).toBe(true);
    // Over the inflate bound the entry is not unpacked: as clamd with its own limits.
    const bounded = await gatherFacts(await spool({ text: 'zip', attachments: [{ filename: 'a.zip', content: makeZip([{ name: 'x.com', data: EICAR + ' '.repeat(5000), deflate: true }]) }] }), { ...DEFAULT_FACT_LIMITS, maxZipEntryBytes: 1024 });
    expect(bounded.parts[1].eicar).toBe(false);
  });

  it('is bounded: zip names keep their last 255 characters (trailing dots and spaces dropped), URLs at most MAX_URLS', async () => {
    const long = `${'d'.repeat(5000)}/invoice.pdf.exe. . `;
    const many = Array.from({ length: MAX_URLS + 50 }, (_, i) => `https://example.org/${i}`).join(' ');
    const f = await gatherFacts(await spool({ text: many, attachments: [{ filename: 'a.zip', content: makeZip([{ name: long, data: 'x' }]) }] }), DEFAULT_FACT_LIMITS);
    const [name] = f.parts[1].zip!.names;
    expect(name).toHaveLength(255);
    expect(name.endsWith('/invoice.pdf.exe')).toBe(true);
    expect(f.urls).toHaveLength(MAX_URLS);
    expect(f.urls[MAX_URLS - 1]).toBe(`https://example.org/${MAX_URLS - 1}`);
  });

  it('reads a large message as a stream and a small one whole: same facts', async () => {
    const path = await spool({ text: 'see https://example.org/big', attachments: [{ filename: 'big.bin', content: Buffer.alloc(600_000, 7) }] });
    const streamed = await gatherFacts(path, DEFAULT_FACT_LIMITS, statSync(path).size);
    const whole = await gatherFacts(path, DEFAULT_FACT_LIMITS, 1);
    expect(whole).toEqual(streamed);
    expect(streamed.parts[1].decodedSize).toBe(600_000);
  });
});

describe('SpooledMessage.facts', () => {
  it('one walk for the three content layers at their defaults: the file is not read again', async () => {
    const path = await spool({ text: 'hello', attachments: [{ filename: 'eicar.com', content: EICAR }] });
    const message = spooled(path);
    type Limits = { scanTimeoutMs: number; maxParts: number; maxZipEntries?: number; maxZipEntryBytes?: number };
    const limitsOf = (o: Limits) => ({ timeoutMs: o.scanTimeoutMs, maxParts: o.maxParts, maxZipEntries: o.maxZipEntries, maxZipEntryBytes: o.maxZipEntryBytes });
    const first = await message.facts(limitsOf(spamFilter.options.parse(undefined)));
    // Gone from disk: only a memoized walk can still answer.
    unlinkSync(path);
    for (const layer of [attachmentBlocking, antivirus]) {
      await expect(message.facts(limitsOf(layer.options.parse(undefined) as Limits))).resolves.toBe(first);
    }
    // Other limits are another walk (of a file that is gone now).
    await expect(message.facts({ maxParts: 5 })).rejects.toThrow(/ENOENT/);
  });

  it('replaceFile swaps the file in, updates size and headers, and walks the new one', async () => {
    const message = spooled(await spool({ text: 'hello', attachments: [{ filename: 'eicar.com', content: EICAR }] }));
    expect((await message.facts()).parts.some((p) => p.eicar)).toBe(true);
    const cleaned = join(dir, `${n++}.new`);
    writeFileSync(cleaned, 'Subject: cleaned\r\n\r\nnothing here\r\n');
    await message.replaceFile(cleaned, 'Subject: cleaned');
    expect([message.size, message.headers]).toEqual([statSync(message.path).size, 'Subject: cleaned']);
    expect((await message.facts()).parts.map((p) => p.eicar)).toEqual([false]);
  });

  it('uses the bytes the core kept (small mail) instead of reading the file, until replaceFile()', async () => {
    const path = await spool({ text: 'in memory', attachments: [{ filename: 'eicar.com', content: EICAR }] });
    const raw = readFileSync(path);
    const message = createSpooledMessage({ path, size: raw.length, headers: '', bytes: raw });
    expect(message.bytes).toBe(raw);
    unlinkSync(path);
    expect((await message.facts()).parts.some((p) => p.eicar)).toBe(true);
    const cleaned = join(dir, `${n++}.new`);
    writeFileSync(cleaned, 'Subject: cleaned\r\n\r\nnothing here\r\n');
    await message.replaceFile(cleaned);
    expect(message.bytes).toBeNull();
    expect((await message.facts()).parts.map((p) => p.eicar)).toEqual([false]);
    // Bytes that are not the whole file are not trusted.
    expect(createSpooledMessage({ path: message.path, size: raw.length + 1, headers: '', bytes: raw }).bytes).toBeNull();
  });
});
