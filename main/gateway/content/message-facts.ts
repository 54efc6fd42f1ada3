// One streaming walk of a spooled message gathers everything the content layers look at (spam
// filter, attachment blocking, built-in anti-virus): per leaf part its type, name, decoded size,
// first bytes, zip entry names, EICAR, and from the message text GTUBE and URLs. The message is
// read once for all three layers instead of once each; memory stays bounded (names, URLs and
// inflated zip entries all have caps), never the whole message.
import { inflateRawSync } from 'node:zlib';
import { walkParts, type PartInfo, type PartSink } from './mime-walk.js';
import { StreamSearch } from './stream-search.js';
import { ZipWalker } from './zip-walk.js';
import { simpleMessageFacts } from './simple-facts.js';

import { EICAR, GTUBE, MAX_URLS, URL_RE, URL_WINDOW } from './text-patterns.js';

export { EICAR, GTUBE, MAX_URLS };
const GTUBE_BYTES = Buffer.from(GTUBE, 'latin1');
const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

export interface FactLimits {
  timeoutMs: number;
  /** MIME nodes at most: over it the walk fails (the layers answer 451). */
  maxParts: number;
  /** Zip entries read per archive; over it the archive is marked incomplete. */
  maxZipEntries: number;
  /** A deflated zip entry is inflated for the EICAR search only within this size (zip bombs). */
  maxZipEntryBytes: number;
}

/** The layers' own defaults: with default options every layer shares one walk. */
export const DEFAULT_FACT_LIMITS: FactLimits = { timeoutMs: 30_000, maxParts: 1000, maxZipEntries: 10_000, maxZipEntryBytes: 1024 * 1024 };

export interface PartFacts extends PartInfo {
  /** Bytes once decoded (base64, quoted-printable). */
  decodedSize: number;
  /** The first decoded bytes (magic numbers). */
  head: Buffer;
  /** The EICAR test file in the decoded bytes or in a stored or deflated zip entry. */
  eicar: boolean;
  /** Entry names when the part is a zip archive (local and central, each name once). */
  zip: { names: string[]; incomplete: boolean } | null;
}

export interface MessageFacts {
  parts: PartFacts[];
  /** Message text (text/* parts that are not attachments): GTUBE anywhere in it. */
  gtube: boolean;
  /** URLs found in the message text, in order, at most MAX_URLS. */
  urls: string[];
}

const HEAD_BYTES = 16;
/** Zip entry names are kept by their last characters, a Windows file name's maximum. */
const MAX_NAME_CHARS = 255;
/** Characters no URL contains (whitespace, quotes, angle brackets): safe places to cut the stream. */
const CUT = new Set([...' \t\r\n"\'<>'].map((c) => c.charCodeAt(0)));

/** The message text as the recipient reads it, not files. */
export const isMessageText = (p: PartInfo) => !p.attachment && p.contentType.startsWith('text/');

/** Trailing dots and spaces dropped (as Windows does), then the tail: the extension is at the end. */
const boundedName = (name: string) => {
  const trimmed = name.replace(/[.\s]+$/, '');
  return trimmed.length > MAX_NAME_CHARS ? trimmed.slice(-MAX_NAME_CHARS) : trimmed;
};

export async function gatherFacts(path: string, limits: FactLimits, size?: number, bytes?: Buffer | null): Promise<MessageFacts> {
  // A simple message in memory: the same facts without the walk.
  const simple = bytes && limits.maxParts >= 1 ? simpleMessageFacts(bytes) : null;
  if (simple) return simple;
  const facts: MessageFacts = { parts: [], gtube: false, urls: [] };
  const addUrls = (text: string) => {
    for (const [u] of text.matchAll(URL_RE)) {
      if (facts.urls.length >= MAX_URLS) return;
      facts.urls.push(u);
    }
  };
  await walkParts(
    path,
    (info): PartSink => {
      const part: PartFacts = { ...info, decodedSize: 0, head: Buffer.alloc(0), eicar: false, zip: null };
      facts.parts.push(part);
      const sinks = [countingSink(part), eicarSink(part), zipSink(part, limits)];
      if (isMessageText(info)) sinks.push(textSink(facts, addUrls));
      return { write: (chunk) => sinks.forEach((s) => s.write(chunk)), end: () => sinks.forEach((s) => s.end()) };
    },
    { timeoutMs: limits.timeoutMs, maxParts: limits.maxParts },
    size,
    bytes,
  );
  return facts;
}

function countingSink(part: PartFacts): PartSink {
  return {
    write(chunk) {
      part.decodedSize += chunk.length;
      if (part.head.length < HEAD_BYTES) part.head = Buffer.concat([part.head, chunk.subarray(0, HEAD_BYTES - part.head.length)]);
    },
    end() {},
  };
}

function eicarSink(part: PartFacts): PartSink {
  const search = new StreamSearch(EICAR_BYTES);
  return { write: (chunk) => void (search.push(chunk) && (part.eicar = true)), end() {} };
}

/** Entry names, and EICAR inside entries: stored ones searched as they stream, deflated ones inflated once whole, bounded. */
function zipSink(part: PartFacts, limits: FactLimits): PartSink {
  const names = new Set<string>();
  const hit = () => void (part.eicar = true);
  const zip = new ZipWalker({
    maxEntries: limits.maxZipEntries,
    onEntry: (e) => {
      names.add(boundedName(e.name));
      return e.source === 'local' && !e.encrypted ? entryEicarSink(e.method, limits.maxZipEntryBytes, hit) : null;
    },
  });
  return {
    write: (chunk) => zip.write(chunk),
    end() {
      zip.end();
      if (names.size || zip.incomplete) part.zip = { names: [...names], incomplete: zip.incomplete };
    },
  };
}

function entryEicarSink(method: number, maxBytes: number, hit: () => void): PartSink | null {
  if (method === 0) {
    const search = new StreamSearch(EICAR_BYTES);
    return { write: (chunk) => void (search.push(chunk) && hit()), end: () => {} };
  }
  if (method !== 8) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    },
    end() {
      if (size > maxBytes) return;
      try {
        if (inflateRawSync(Buffer.concat(chunks), { maxOutputLength: maxBytes }).includes(EICAR_BYTES)) hit();
      } catch {
        // Corrupt, or over maxBytes unpacked: not scannable here, as with clamd's own limits.
      }
    },
  };
}

/** GTUBE anywhere in the text; URLs with the stream cut only between words, never inside a URL. */
function textSink(facts: MessageFacts, addUrls: (text: string) => void): PartSink {
  const gtube = new StreamSearch(GTUBE_BYTES);
  let carry = '';
  return {
    write(chunk) {
      if (gtube.push(chunk)) facts.gtube = true;
      if (facts.urls.length >= MAX_URLS) return;
      const text = carry + chunk.toString('latin1');
      let cut = text.length;
      while (cut > 0 && !CUT.has(text.charCodeAt(cut - 1))) cut--;
      addUrls(text.slice(0, cut));
      carry = text.slice(cut);
      if (carry.length > URL_WINDOW) {
        addUrls(carry);
        carry = '';
      }
    },
    end: () => addUrls(carry),
  };
}
