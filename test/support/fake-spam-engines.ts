// Protocol-level stand-ins for SpamAssassin's spamd (spamc protocol over TCP) and rspamd (HTTP
// /checkv2), on loopback, for the spam filter's engine tests. They parse requests as the real
// daemons do (spamd reads exactly Content-length bytes) and score like them in one respect:
// GTUBE scores 1000; otherwise an "X-Test-Score: N" header in the message is the score.
// Modes play broken daemons: silent (never answers), garbage, huge reply, error status.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EngineMode = 'normal' | 'silent' | 'garbage' | 'huge' | 'error';

export interface EngineRequest {
  /** spamd: the command line; rspamd: "POST /checkv2". */
  command: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FakeEngine {
  port: number;
  requests: EngineRequest[];
  mode: EngineMode;
  stop(): Promise<void>;
}

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

function score(body: Buffer): { score: number; rules: string[] } {
  const text = body.toString('latin1');
  if (text.includes(GTUBE)) return { score: 1000, rules: ['GTUBE'] };
  const m = /^X-Test-Score: *(-?\d+(?:\.\d+)?)/im.exec(text);
  return m ? { score: Number(m[1]), rules: ['TEST_SCORE', 'MISSING_MID'] } : { score: 0, rules: [] };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return (server.address() as AddressInfo).port;
}

const close = (server: Server, sockets: Set<Socket>) =>
  new Promise<void>((ok) => {
    for (const s of sockets) s.destroy();
    server.close(() => ok());
  });

export async function startFakeSpamd(required = 5): Promise<FakeEngine> {
  const sockets = new Set<Socket>();
  const fake: FakeEngine = { port: 0, requests: [], mode: 'normal', stop: () => close(server, sockets) };
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let head: { command: string; headers: Record<string, string>; length: number; at: number } | null = null;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [command, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        head = { command, headers, length: Number(headers['content-length']), at: end + 4 };
      }
      if (buf.length - head.at < head.length) return;
      const body = buf.subarray(head.at, head.at + head.length);
      fake.requests.push({ command: head.command, headers: head.headers, body });
      if (fake.mode === 'silent') return;
      if (fake.mode === 'garbage') return void socket.end('HTTP/1.0 200 OK\r\n\r\n<html>');
      if (fake.mode === 'huge') return void socket.end(`SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0.0 / 5.0\r\n\r\n${'A,'.repeat(100_000)}`);
      if (fake.mode === 'error') return void socket.end('SPAMD/1.0 76 Bad header line: Content-length\r\n\r\n');
      const s = score(body);
      const symbols = s.rules.join(',');
      socket.end(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${symbols.length}\r\nSpam: ${s.score >= required ? 'True' : 'False'} ; ${s.score.toFixed(1)} / ${required.toFixed(1)}\r\n\r\n${symbols}`);
    });
  });
  fake.port = await listen(server);
  return fake;
}

export async function startFakeRspamd(required = 15): Promise<FakeEngine> {
  const sockets = new Set<Socket>();
  const fake: FakeEngine = { port: 0, requests: [], mode: 'normal', stop: () => close(server, sockets) };
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      fake.requests.push({ command: `${req.method} ${req.url}`, headers: req.headers as IncomingHttpHeaders, body });
      if (fake.mode === 'silent') return;
      if (req.method !== 'POST' || req.url !== '/checkv2') return void res.writeHead(404).end();
      if (fake.mode === 'garbage') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"score": "lots"');
      if (fake.mode === 'huge') return void res.writeHead(200).end(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
      if (fake.mode === 'error') return void res.writeHead(500).end('internal error');
      const s = score(body);
      const symbols = Object.fromEntries(s.rules.map((r) => [r, { name: r, score: s.score / Math.max(1, s.rules.length) }]));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ is_skipped: false, score: s.score, required_score: required, action: s.score >= required ? 'reject' : 'no action', symbols }));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  fake.port = await listen(server);
  return fake;
}
