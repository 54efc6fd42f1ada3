// The streaming pieces under the content layers: zip entry listing fed in any chunking,
// a byte search across chunk edges, executable names, and decoded MIME parts from disk.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipWalker, type ZipEntry } from '../../../main/gateway/content/zip-walk.js';
import { StreamSearch } from '../../../main/gateway/content/stream-search.js';
import { walkParts, type PartInfo } from '../../../main/gateway/content/mime-walk.js';
import { EXECUTABLE_EXTENSIONS, executableName } from '../../../main/gateway/layers/attachment-blocking.js';
import { makeZip } from '../../support/zip.js';

/** Feeds `bytes` to a fresh walker in chunks of `size`; entries seen and each local entry's data. */
function walk(bytes: Buffer, size: number, maxEntries = 100) {
  const entries: ZipEntry[] = [];
  const data: string[] = [];
  const zip = new ZipWalker({
    maxEntries,
    onEntry: (e) => {
      entries.push(e);
      if (e.source !== 'local') return null;
      const chunks: Buffer[] = [];
      return { write: (c) => void chunks.push(Buffer.from(c)), end: () => void data.push(Buffer.concat(chunks).toString('latin1')) };
    },
  });
  for (let i = 0; i < bytes.length; i += size) zip.write(bytes.subarray(i, i + size));
  zip.end();
  return { entries, data, incomplete: zip.incomplete };
}

describe('ZipWalker', () => {
  const archive = makeZip([
    { name: 'readme.txt', data: 'hello' },
    { name: 'bin/setup.exe', data: 'MZ'.repeat(500), deflate: true, descriptor: true },
    { name: 'notes.txt', data: 'stored after a descriptor', descriptor: true },
  ]);

  it.each([1, 3, 7, 64, 100_000])('lists local and central names alike in chunks of %i bytes', (size) => {
    const { entries, data, incomplete } = walk(archive, size);
    expect(entries.map((e) => `${e.source}:${e.name}:${e.method}`)).toEqual([
      'local:readme.txt:0',
      'local:bin/setup.exe:8',
      'local:notes.txt:0',
      'central:readme.txt:0',
      'central:bin/setup.exe:8',
      'central:notes.txt:0',
    ]);
    // Known sizes give the data exactly; after a data descriptor the search keeps the 16 descriptor bytes.
    expect(data[0]).toBe('hello');
    expect(data[2].startsWith('stored after a descriptor')).toBe(true);
    expect(data[2]).toHaveLength('stored after a descriptor'.length + 16);
    expect(incomplete).toBe(false);
  });

  it('ignores what is not a zip', () => {
    expect(walk(Buffer.from('MZ not a zip at all PK\x03\x04 later'), 5)).toEqual({ entries: [], data: [], incomplete: false });
  });

  it('says when names may have been missed: over maxEntries, cut short, or a size running past the end', () => {
    const many = makeZip(Array.from({ length: 10 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    const r = walk(many, 50, 4);
    expect(r.entries).toHaveLength(4);
    expect(r.incomplete).toBe(true);
    expect(walk(archive.subarray(0, archive.length - 30), 64).incomplete).toBe(true);
    // A first entry claiming 1 GB would swallow the rest, bin/setup.exe included.
    const lying = Buffer.from(archive);
    lying.writeUInt32LE(1 << 30, 18);
    const l = walk(lying, 64);
    expect(l.entries.map((e) => e.name)).toEqual(['readme.txt']);
    expect(l.incomplete).toBe(true);
  });
});

describe('StreamSearch', () => {
  it('finds a needle split over chunks, one byte at a time', () => {
    const s = new StreamSearch(Buffer.from('GTUBE-MARK'));
    const found = [...'xxGTUBE-MARKyy'].map((c) => s.push(Buffer.from(c)));
    expect(found.indexOf(true)).toBe(11);
    expect(new StreamSearch(Buffer.from('abc')).push(Buffer.from('ab'))).toBe(false);
  });
});

describe('executableName', () => {
  const exts = new Set(EXECUTABLE_EXTENSIONS);
  it.each([
    ['setup.exe', 'extension .exe'],
    ['SCREEN.SCR', 'extension .scr'],
    ['invoice.pdf.exe', 'double extension .pdf.exe'],
    ['invoice.pdf      .exe', 'double extension .pdf.exe'],
    ['run.exe. . ', 'extension .exe'], // Windows drops trailing dots and spaces
    ['my.setup.exe', 'extension .exe'], // "setup" is a word, not a decoy extension
    ['report.pdf', null],
    ['exe', null],
    ['archive.tar.gz', null],
  ])('%s -> %s', (name, why) => expect(executableName(name, exts)).toBe(why));
});

describe('walkParts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-walk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (raw: Buffer | string) => {
    const path = join(dir, `${n++}.eml`);
    writeFileSync(path, raw);
    return path;
  };
  const drain = () => ({ write: () => {}, end: () => {} });

  it('is bounded: too many parts fail the walk, and so does a walk over its time', async () => {
    const parts = Array.from({ length: 20 }, (_, i) => ({ filename: `f${i}.txt`, content: 'x' }));
    const many = await new MailComposer({ from: 'a@example.org', to: 'b@lab.test', text: 't', attachments: parts }).compile().build();
    await expect(walkParts(file(many), drain, { timeoutMs: 5000, maxParts: 5 })).rejects.toThrow(/Max allowed child nodes exceeded/);
    const big = await new MailComposer({ from: 'a@example.org', to: 'b@lab.test', text: 'x'.repeat(20_000_000) }).compile().build();
    await expect(walkParts(file(big), drain, { timeoutMs: 20, maxParts: 5 })).rejects.toThrow('content scan took over 20 ms');
  });

  it('a sink that throws fails the walk, not the process', async () => {
    const bug = () => ({
      write: () => {
        throw new Error('sink bug');
      },
      end: () => {},
    });
    await expect(walkParts(file('Subject: x\r\n\r\nbody\r\n'), bug, { timeoutMs: 5000, maxParts: 5 })).rejects.toThrow('sink bug');
  });

  it('hands each leaf part decoded (base64 attachment, quoted-printable text), multipart nodes counted', async () => {
    const raw = await new MailComposer({
      from: 'a@example.org',
      to: 'b@lab.test',
      subject: 'parts',
      text: 'caf\u00e9 text',
      attachments: [{ filename: 'bin.dat', content: Buffer.from([0, 1, 2, 255]) }],
    })
      .compile()
      .build();
    const path = file(raw);
    const seen: [PartInfo, string][] = [];
    await walkParts(
      path,
      (part) => {
        const chunks: Buffer[] = [];
        return { write: (c) => void chunks.push(c), end: () => void seen.push([part, Buffer.concat(chunks).toString('hex')]) };
      },
      { timeoutMs: 5000, maxParts: 10 },
    );
    expect(seen).toEqual([
      [{ index: 1, contentType: 'text/plain', filename: null, attachment: false }, Buffer.from('caf\u00e9 text').toString('hex')],
      [{ index: 2, contentType: 'application/octet-stream', filename: 'bin.dat', attachment: true }, '000102ff'],
    ]);
  });
});
