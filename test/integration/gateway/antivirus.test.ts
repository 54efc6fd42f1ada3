// Anti-virus: the built-in scanner finds EICAR inline, attached (base64) and zipped (stored,
// deflated); infected mail is refused or quarantined. The clamd client is tested at protocol
// level against a fake clamd written here (clamd itself is not installed): INSTREAM framing,
// its replies, its errors, and a clamd that never answers.
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR } from '../../../main/gateway/layers/antivirus.js';
import { findStored, header, send, startContentGateway, swaks as swaksTo, swaksAvailable, type ContentGateway } from '../../support/content-gateway.js';
import { makeZip } from '../../support/zip.js';

const REFUSED = '550 5.7.1 Message refused: virus Eicar-Test-Signature found';

let t: ContentGateway;
beforeAll(async () => {
  t = await startContentGateway({});
});
afterAll(() => t.stop());

(swaksAvailable ? describe : describe.skip)('built-in scanner with swaks', () => {
  it('finds EICAR inline in the message text', async () => {
    const out = await swaksTo(t.gw.port, '--body', `${EICAR}\n`);
    expect(out).toContain(`<** ${REFUSED}`);
    expect(t.decisions.at(-1)).toMatchObject({ layer: 'antivirus', action: 'reject', reason: 'built-in scanner: Eicar-Test-Signature', reply: REFUSED });
  });

  it('finds EICAR in a base64 attachment', async () => {
    const out = await swaksTo(t.gw.port, '--attach-name', 'eicar.txt', '--attach-type', 'application/octet-stream', '--attach', EICAR);
    expect(out).toMatch(/Content-Transfer-Encoding: BASE64/i);
    expect(out).toContain(`<** ${REFUSED}`);
  });
});

describe('built-in scanner with nodemailer', () => {
  it.each([
    ['stored', {}],
    ['deflated', { deflate: true }],
    ['deflated, sizes after the data', { deflate: true, descriptor: true }],
  ])('finds EICAR zipped (%s)', async (_label, how) => {
    const zip = makeZip([{ name: 'readme.txt', data: 'nothing here' }, { name: 'eicar.txt', data: EICAR, ...how }]);
    expect(await send(t.gw.port, { subject: 'zip', text: 'see archive', attachments: [{ filename: 'test.zip', content: zip }] })).toBe(REFUSED);
  });

  it('delivers a clean message with a zip', async () => {
    const zip = makeZip([{ name: 'notes.txt', data: 'EICAR is not in here', deflate: true }]);
    expect(await send(t.gw.port, { subject: 'clean', text: 'marker-av-clean', attachments: [{ filename: 'notes.zip', content: zip }] })).toMatch(/^250 /);
    expect(findStored(t.store, 'marker-av-clean')?.folder).toBe('inbox');
  });

  it('quarantines instead of refusing when told to', async () => {
    const q = await startContentGateway({ antivirus: { action: 'quarantine' } });
    try {
      expect(await send(q.gw.port, { subject: 'q', text: 'marker-quarantine', attachments: [{ filename: 'eicar.txt', content: EICAR }] })).toMatch(/^250 2\.0\.0 Message accepted/);
      expect(q.decisions.at(-1)).toMatchObject({ layer: 'antivirus', action: 'accept', reason: 'built-in scanner: Eicar-Test-Signature, quarantined' });
      const stored = findStored(q.store, 'marker-quarantine')!;
      expect(stored.folder).toBe('quarantine');
      expect(header(stored.text, 'X-Mxaudit-Virus')).toBe('Eicar-Test-Signature');
    } finally {
      await q.stop();
    }
  });
});

/** A fake clamd: speaks INSTREAM, records what it got, answers as told (null: never answers). */
interface FakeClamd {
  server: Server;
  /** Payload bytes and frame sizes of the last stream. */
  payload: Buffer;
  frames: number[];
}

function fakeClamd(answer: (payload: Buffer) => string | null, maxStream = Infinity): FakeClamd {
  const fake: FakeClamd = { server: createServer(), payload: Buffer.alloc(0), frames: [] };
  fake.server.on('connection', (socket) => {
    let buf = Buffer.alloc(0);
    let started = false;
    const chunks: Buffer[] = [];
    fake.frames = [];
    socket.on('error', () => {});
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!started) {
        if (buf.length < 10) return;
        if (buf.toString('latin1', 0, 10) !== 'zINSTREAM\0') return void socket.end('UNKNOWN COMMAND\0');
        started = true;
        buf = buf.subarray(10);
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (buf.length < 4 + len) return;
        fake.frames.push(len);
        if (len === 0) {
          fake.payload = Buffer.concat(chunks);
          const reply = answer(fake.payload);
          if (reply !== null) socket.end(`${reply}\0`);
          return;
        }
        chunks.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
        if (chunks.reduce((n, c) => n + c.length, 0) > maxStream) return void socket.end('INSTREAM size limit exceeded. ERROR\0');
      }
    });
  });
  return fake;
}

const eicarAnswer = (p: Buffer) => (p.includes(EICAR) ? 'stream: Win.Test.EICAR_HDB-1 FOUND' : 'stream: OK');

async function listenTcp(fake: FakeClamd): Promise<number> {
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
  return (fake.server.address() as { port: number }).port;
}

describe('clamd client (protocol level, against a fake clamd)', () => {
  it('TCP: streams the whole message in INSTREAM frames and uses the name clamd reports', async () => {
    const fake = fakeClamd(eicarAnswer);
    const port = await listenTcp(fake);
    const g = await startContentGateway({ antivirus: { clamd: { host: '127.0.0.1', port } } });
    try {
      expect(await send(g.gw.port, { subject: 'v', text: EICAR })).toBe('550 5.7.1 Message refused: virus Win.Test.EICAR_HDB-1 found');
      expect(g.decisions.at(-1)!.reason).toBe('clamd: Win.Test.EICAR_HDB-1');
      // A clean message over several 64 KiB frames: clamd got exactly what was stored after our headers.
      const big = `marker-clamd-clean ${'lorem ipsum '.repeat(20_000)}`;
      expect(await send(g.gw.port, { subject: 'big', text: big })).toMatch(/^250 /);
      const stored = findStored(g.store, 'marker-clamd-clean')!;
      const payload = fake.payload.toString('latin1');
      expect(stored.text.endsWith(payload)).toBe(true);
      const ours = stored.text.slice(0, stored.text.length - payload.length);
      expect(ours.split('\r\n').map((l) => l.split(':')[0])).toEqual(['Received', 'X-SCL', 'X-Mxaudit-Spam-Rules', '']);
      expect(fake.frames.length).toBeGreaterThan(3);
      expect(Math.max(...fake.frames)).toBeLessThanOrEqual(64 * 1024);
      expect(fake.frames.at(-1)).toBe(0);
    } finally {
      await g.stop();
      fake.server.close();
    }
  });

  it('unix socket: a clean reply lets the message through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-clamd-'));
    const fake = fakeClamd(eicarAnswer);
    const socket = join(dir, 'clamd.sock');
    await new Promise<void>((r) => fake.server.listen(socket, r));
    const g = await startContentGateway({ antivirus: { clamd: { socket } } });
    try {
      expect(await send(g.gw.port, { subject: 'ok', text: 'marker-unix' })).toMatch(/^250 /);
      expect(fake.payload.toString('latin1')).toContain('marker-unix');
    } finally {
      await g.stop();
      fake.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails closed with 451 when clamd refuses the stream, is down, or never answers', async () => {
    const limited = fakeClamd(eicarAnswer, 1000);
    const silent = fakeClamd(() => null);
    const down = fakeClamd(eicarAnswer);
    const [limitedPort, silentPort, downPort] = [await listenTcp(limited), await listenTcp(silent), await listenTcp(down)];
    await new Promise((r) => down.server.close(r));
    const cases: [number, RegExp][] = [
      [limitedPort, /^clamd scan failed: clamd: INSTREAM size limit exceeded\. ERROR$/],
      [downPort, /^clamd scan failed: clamd: connect ECONNREFUSED/],
      [silentPort, /^clamd scan failed: clamd did not answer within 500 ms$/],
    ];
    try {
      for (const [port, reason] of cases) {
        const g = await startContentGateway({ antivirus: { clamd: { host: '127.0.0.1', port }, scanTimeoutMs: 500 } });
        try {
          const t0 = performance.now();
          expect(await send(g.gw.port, { subject: 'x', text: 'y'.repeat(5000) })).toBe('451 4.3.0 Try again later');
          expect(performance.now() - t0).toBeLessThan(3000);
          expect(g.decisions.at(-1)).toMatchObject({ layer: 'antivirus', action: 'tempfail' });
          expect(g.decisions.at(-1)!.reason).toMatch(reason);
        } finally {
          await g.stop();
        }
      }
    } finally {
      limited.server.close();
      silent.server.close();
    }
  });
});
