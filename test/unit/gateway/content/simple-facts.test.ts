// The shortcut for simple messages must gather exactly what the full MIME walk gathers, and must
// step aside (null) for anything the walk could read differently: each message of a corpus of
// simple and tricky ones is judged both ways.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACT_LIMITS, EICAR, GTUBE, MAX_URLS, gatherFacts } from '../../../../main/gateway/content/message-facts.js';
import { simpleMessageFacts } from '../../../../main/gateway/content/simple-facts.js';
import { makeZip } from '../../../support/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-simple-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The full walk of the file (no bytes given: the shortcut cannot be taken). */
async function walked(raw: Buffer) {
  const path = join(dir, `${n++}.eml`);
  writeFileSync(path, raw);
  return gatherFacts(path, DEFAULT_FACT_LIMITS);
}

const msg = (headers: string[], body: string) => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
const base = ['From: <a@example.org>', 'To: <b@lab.test>', 'Subject: test', 'Message-Id: <1@example.org>'];
/** Like smtp-source's messages. */
const sourceLike = msg(['From: <foo@sender.test>', 'To: <alice@lab.test>', 'Date: Thu, 3 Dec 2026 18:00:00 +0000', 'Message-Id: <x@y>', 'Subject: La de da'], Array.from({ length: 60 }, (_, i) => `La de da de da ${i}.`).join('\r\n') + '\r\n');

const SIMPLE: [string, Buffer][] = [
  ['smtp-source-like', sourceLike],
  ['no Content-Type', msg(base, 'hello\r\nworld\r\n')],
  ['text/plain with a charset', msg([...base, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit'], 'hi http://a.example/x?y=1 and https://b.example/\r\n')],
  ['text/html, quoted charset, 8bit', msg([...base, 'Content-Type: TEXT/HTML; charset="iso-8859-1"', 'Content-Transfer-Encoding: 8BIT'], '<a href="http://evil.example/login">x</a>\xe9\r\n')],
  ['folded Content-Type', msg([...base, 'Content-Type: text/plain;\r\n charset=us-ascii'], 'folded\r\n')],
  ['GTUBE in the text', msg(base, `spam\r\n${GTUBE}\r\n`)],
  ['EICAR inline', msg(base, `${EICAR}\r\n`)],
  ['empty body', msg(base, '')],
  ['body without a final line break', msg(base, 'no newline http://x.example')],
  ['bare LF in the body', msg(base, 'a\nb http://lf.example/\n')],
  ['URL at a line break and in brackets', msg(base, 'see <http://a.example/p>\r\n(http://b.example/q) "http://c.example/r"\r\nhttp://d.example/s')],
  ['more URLs than kept', msg(base, Array.from({ length: MAX_URLS + 20 }, (_, i) => `http://u${i}.example/`).join(' '))],
  ['a long token under the window', msg(base, `http://long.example/${'a'.repeat(8000)} end\r\n`)],
  ['PK but no zip signature', msg(base, 'PKZIP is a program\r\n')],
  ['other Content- fields', msg([...base, 'Content-Language: en', 'Content-ID: <c@x>'], 'x\r\n')],
  ['nodemailer plain text', Buffer.alloc(0)], // filled below
];

const TRICKY: [string, Buffer][] = [
  ['multipart', Buffer.alloc(0)], // filled below
  ['base64 text', msg([...base, 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64'], `${Buffer.from(`hi ${GTUBE}`).toString('base64')}\r\n`)],
  ['quoted-printable text', msg([...base, 'Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable'], 'http://a.exam=\r\nple/x\r\n')],
  ['attachment disposition', msg([...base, 'Content-Type: text/plain', 'Content-Disposition: attachment; filename="x.txt"'], `${GTUBE}\r\n`)],
  ['inline disposition', msg([...base, 'Content-Disposition: inline'], 'x\r\n')],
  ['a name on the type', msg([...base, 'Content-Type: text/plain; name="run.exe"'], 'MZ\r\n')],
  ['another type', msg([...base, 'Content-Type: application/octet-stream'], 'MZ\x90\x00\r\n')],
  ['two Content-Type fields', msg([...base, 'Content-Type: text/plain', 'Content-Type: multipart/mixed; boundary=x'], '--x\r\n\r\nhi\r\n--x--\r\n')],
  ['bare LF in the header', Buffer.from('From: <a@example.org>\nSubject: x\n\nhello http://x.example/\n', 'latin1')],
  ['no blank line', Buffer.from('From: <a@example.org>\r\nSubject: x\r\n', 'latin1')],
  ['a header line without a colon', msg([...base, 'Content-Type text/html'], '<b>x</b>\r\n')],
  ['space before the colon', msg([...base, 'Content-Type : application/zip'], 'x\r\n')],
  ['a zip in the body', Buffer.concat([msg(base, ''), makeZip([{ name: 'eicar.com', data: EICAR }])])],
  ['a token over the window', msg(base, `http://long.example/${'a'.repeat(9000)} http://after.example/\r\n`)],
  ['unknown encoding', msg([...base, 'Content-Transfer-Encoding: x-uuencode'], 'begin 644 x\r\n')],
];

describe('simpleMessageFacts', async () => {
  SIMPLE[SIMPLE.length - 1][1] = await new MailComposer({ from: 'a@example.org', to: 'b@lab.test', subject: 'hi', text: 'plain http://nm.example/ text' }).compile().build();
  TRICKY[0][1] = await new MailComposer({ from: 'a@example.org', to: 'b@lab.test', subject: 'hi', text: 'body', attachments: [{ filename: 'a.txt', content: 'attached' }] }).compile().build();

  it.each(SIMPLE)('%s: the same facts as the full walk', async (_name, raw) => {
    const quick = simpleMessageFacts(raw);
    expect(quick).not.toBeNull();
    expect(quick).toEqual(await walked(raw));
  });

  it.each(TRICKY)('%s: left to the full walk', (_name, raw) => {
    expect(simpleMessageFacts(raw)).toBeNull();
  });

  it('random simple messages: the same facts whenever the shortcut is taken', async () => {
    let seed = 42;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % k);
    const words = ['http://a.example/p', 'https://b.example/q?x=1', 'word', '<', '>', '"', "'", '(', ')', '\r\n', '\n', ' ', '\t', GTUBE, EICAR, 'é', 'PK', 'HTTP://UP.EXAMPLE', 'xhttp://no.example', '.'];
    let taken = 0;
    for (let i = 0; i < 200; i++) {
      const body = Array.from({ length: rnd(80) }, () => words[rnd(words.length)]).join(rnd(2) ? '' : ' ');
      const headers = rnd(2) ? base : [...base, `Content-Type: text/${rnd(2) ? 'plain' : 'html'}; charset=utf-8`];
      const raw = msg(headers, body);
      const quick = simpleMessageFacts(raw);
      if (!quick) continue;
      taken++;
      expect(quick, body).toEqual(await walked(raw));
    }
    expect(taken).toBeGreaterThan(150);
  });

  it('gatherFacts takes the shortcut only with the bytes in memory, and gives what the walk gives', async () => {
    const path = join(dir, 'shortcut.eml');
    writeFileSync(path, sourceLike);
    // A path that does not exist: only the shortcut can answer from the bytes.
    expect(await gatherFacts(join(dir, 'missing.eml'), DEFAULT_FACT_LIMITS, sourceLike.length, sourceLike)).toEqual(await gatherFacts(path, DEFAULT_FACT_LIMITS));
  });
});
