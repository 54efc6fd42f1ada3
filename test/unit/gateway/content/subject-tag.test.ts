// The subject tag rewrites only the Subject field(s) of the header block, whatever its line
// ends, folding or absence; the body is carried over byte for byte, even past the read window.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_BLOCK, prefixSubject, prefixSubjectFields } from '../../../../main/gateway/content/subject-tag.js';
import { createSpooledMessage } from '../../../../main/gateway/content/spooled-message.js';

describe('prefixSubjectFields', () => {
  it.each([
    ['Subject: hi\r\nTo: a@b\r\n', 'Subject: [SPOOFED] hi\r\nTo: a@b\r\n'],
    ['subject:hi\n', 'subject:[SPOOFED] hi\n'],
    ['Subject: long\r\n folded\r\n', 'Subject: [SPOOFED] long\r\n folded\r\n'],
    ['Subject: one\r\nSubject: two\r\n', 'Subject: [SPOOFED] one\r\nSubject: [SPOOFED] two\r\n'],
    ['To: a@b\r\n', 'To: a@b\r\nSubject: [SPOOFED]\r\n'],
    ['To: a@b', 'To: a@b\r\nSubject: [SPOOFED]\r\n'],
    ['', 'Subject: [SPOOFED]\r\n'],
    ['X-Subject: no\r\n', 'X-Subject: no\r\nSubject: [SPOOFED]\r\n'],
  ])('%j -> %j', (block, want) => expect(prefixSubjectFields(block, '[SPOOFED] ')).toBe(want));

  it('does not tag twice', () => expect(prefixSubjectFields('Subject: [SPOOFED] hi\r\n', '[SPOOFED] ')).toBeNull());
});

describe('prefixSubject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-subject-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spool = (raw: Buffer) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.eml`);
    writeFileSync(path, raw);
    return createSpooledMessage({ path, size: raw.length, headers: '' });
  };

  it.each([['small', 1000], ['streamed (larger than the read window)', MAX_HEADER_BLOCK + 300_000]])('keeps the body byte for byte: %s', async (_label, bodyBytes) => {
    const body = Buffer.alloc(bodyBytes);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const message = spool(Buffer.concat([Buffer.from('From: x@y\r\nSubject: caf\xe9\r\n\r\n', 'latin1'), body]));
    expect(await prefixSubject(message, '[SPOOFED] ')).toBe('tagged');
    const stored = readFileSync(message.path);
    expect(stored.subarray(0, 38).toString('latin1')).toBe('From: x@y\r\nSubject: [SPOOFED] caf\xe9\r\n\r\n');
    expect(stored.subarray(38).equals(body)).toBe(true);
    expect([message.size, message.headers]).toEqual([statSync(message.path).size, 'From: x@y\r\nSubject: [SPOOFED] caf\xe9']);
  });

  it('leaves a header block over the bound alone', async () => {
    const message = spool(Buffer.from(`Subject: x\r\nX-Pad: ${'p'.repeat(MAX_HEADER_BLOCK)}\r\n\r\nbody\r\n`));
    const before = readFileSync(message.path);
    expect(await prefixSubject(message, '[SPOOFED] ')).toBe('header-too-large');
    expect(readFileSync(message.path).equals(before)).toBe(true);
  });
});
