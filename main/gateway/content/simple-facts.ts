// The facts of a simple message without the MIME walk: one text/plain or text/html part, 7bit or
// 8bit, no disposition, no name, so the body is the part's decoded bytes as they are. Most mail
// (and every message of the benchmark) is like this; the walk (mailsplit, streams, a decoder)
// costs more than everything else the content layers do with it. Anything else, or anything in
// doubt (bare LF, a zip signature, a token longer than the walk's URL window), returns null: the
// full walk decides. test/unit/gateway/content/simple-facts.test.ts proves the two agree.
import { EICAR, GTUBE, MAX_URLS, URL_RE, URL_WINDOW } from './text-patterns.js';
import type { MessageFacts } from './message-facts.js';

const HEAD_BYTES = 16;
const GTUBE_BYTES = Buffer.from(GTUBE, 'latin1');
const EICAR_BYTES = Buffer.from(EICAR, 'latin1');
const ZIP_SIGNATURES = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x01\x02', 'latin1')];
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** A header field: name (printable, no colon, no space), colon, value. */
const FIELD = /^([!-9;-~]+):(.*)$/s;
const TEXT_TYPE = /^\s*(text\/(?:plain|html))\s*(?:;\s*charset\s*=\s*(?:"[A-Za-z0-9._-]+"|[A-Za-z0-9._-]+)\s*)?$/i;
const PLAIN_ENCODING = /^\s*(?:7bit|8bit)\s*$/i;
/** Bytes the walk may cut the text at (no URL contains them): space, tab, CR, LF, quotes, angle brackets. */
const CUT = new Uint8Array(256);
for (const c of ' \t\r\n"\'<>') CUT[c.charCodeAt(0)] = 1;

/** A run of bytes that may all belong to one URL, longer than the walk carries over. A loop: a regex with {8193} costs ~0.4 ms on 4 KiB. */
function hasLongToken(body: Buffer): boolean {
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    if (CUT[body[i]]) run = 0;
    else if (++run > URL_WINDOW) return true;
  }
  return false;
}

/** The facts the full walk would gather, or null when the message is not simple enough to be sure. */
export function simpleMessageFacts(bytes: Buffer): MessageFacts | null {
  const end = bytes.indexOf(HEADER_END);
  if (end < 0) return null;
  const block = bytes.toString('latin1', 0, end + 2);
  // Line ends other than CRLF are where parsers differ.
  if (/\r(?!\n)|(?<!\r)\n/.test(block)) return null;
  let contentType = 'text/plain';
  let seenType = false;
  let seenEncoding = false;
  for (const field of block.slice(0, -2).split(/\r\n(?![ \t])/)) {
    const m = FIELD.exec(field);
    if (!m) return null;
    const name = m[1].toLowerCase();
    if (!name.startsWith('content-')) continue;
    const value = m[2].replace(/\r\n/g, '');
    if (name === 'content-type') {
      const t = TEXT_TYPE.exec(value);
      if (!t || seenType) return null;
      seenType = true;
      contentType = t[1].toLowerCase();
    } else if (name === 'content-transfer-encoding') {
      if (!PLAIN_ENCODING.test(value) || seenEncoding) return null;
      seenEncoding = true;
    } else if (name === 'content-disposition') return null;
  }
  const body = bytes.subarray(end + 4);
  if (ZIP_SIGNATURES.some((s) => body.includes(s))) return null;
  if (hasLongToken(body)) return null;
  const text = body.toString('latin1');
  const urls: string[] = [];
  for (const [u] of text.matchAll(URL_RE)) {
    if (urls.length >= MAX_URLS) break;
    urls.push(u);
  }
  const head = Buffer.from(body.subarray(0, HEAD_BYTES));
  return {
    parts: [{ index: 0, contentType, filename: null, attachment: false, decodedSize: body.length, head, eicar: body.includes(EICAR_BYTES), zip: null }],
    gtube: body.includes(GTUBE_BYTES),
    urls,
  };
}
