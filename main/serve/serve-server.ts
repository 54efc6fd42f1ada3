// `mxaudit serve`: the built renderer over HTTP and the API over a WebSocket, on 127.0.0.1
// only. The WebSocket needs the random token (sent as a subprotocol, read by the page from the
// URL fragment, which never reaches a server log) and our exact Origin; Host is checked too, so
// a DNS-rebound page cannot reach us. Same handlers as the app (main/api).
import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { createApi, type Api } from '../api/create-api.js';
import { ApiError } from '../api/api-error.js';
import { forkGatewayProcess } from '../gateway-host/fork-gateway-process.js';
import { findBuiltApp } from './bundle-paths.js';
import { notFound, securityHeaders, serveStatic } from './static-files.js';

export const TOKEN_PROTOCOL_PREFIX = 'mxaudit.token.';
/** Largest request frame: a gateway config or a CA bundle fits; nothing bigger is needed. */
const MAX_FRAME_BYTES = 2 * 1024 * 1024;
/** Download links of exports live this long. */
const DOWNLOAD_TTL_MS = 30 * 60_000;

export interface ServeOptions {
  port: number;
  dataDir: string;
  /** Fixed token (tests); random by default. */
  token?: string;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  api: Api;
  close(): Promise<void>;
}

const RequestFrame = z.object({ id: z.number().int().nonnegative(), channel: z.string().max(100), payload: z.unknown() }).strict();

export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  const app = findBuiltApp();
  const token = opts.token ?? randomBytes(32).toString('hex');
  const downloads = new Map<string, { path: string; expires: number }>();
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  const api = createApi({ dataDir: opts.dataDir, transport: 'serve', spawnGateway: () => forkGatewayProcess(app.gatewayEntry) });

  const server = createServer((req, res) => {
    securityHeaders(res);
    if (!allowedHosts().includes(req.headers.host ?? '')) return notFound(res, 421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res, 405, 'method not allowed');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const dl = /^\/download\/([a-f0-9]{48})$/.exec(path);
    if (dl) return void download(dl[1], res);
    void serveStatic(app.rendererDir, path, res).catch(() => notFound(res, 500, 'error'));
  });

  const download = async (id: string, res: import('node:http').ServerResponse) => {
    const d = downloads.get(id);
    if (!d || d.expires < Date.now()) return notFound(res);
    const st = await stat(d.path).catch(() => null);
    if (!st?.isFile()) return notFound(res);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': st.size, 'Content-Disposition': `attachment; filename="${basename(d.path).replace(/[^A-Za-z0-9._-]/g, '_')}"` });
    // A file removed or unreadable meanwhile: end this response, never the server.
    createReadStream(d.path).on('error', () => res.destroy()).pipe(res);
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has('mxaudit') ? 'mxaudit' : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (code: number, why: string) => {
      socket.end(`HTTP/1.1 ${code} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const host = req.headers.host ?? '';
    if (!allowedHosts().includes(host)) return refuse(421, 'Misdirected Request');
    if (req.headers.origin !== `http://${host}`) return refuse(403, 'Forbidden');
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/api') return refuse(404, 'Not Found');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length) ?? '';
    if (!sameToken(presented, token) || !offered.includes('mxaudit')) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws));
  });

  const bridge = (ws: WebSocket) => {
    const send = (m: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribe = api.subscribe((event, payload) => send({ event, payload }));
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      let frame: z.infer<typeof RequestFrame>;
      try {
        if (isBinary) throw new Error('binary');
        frame = RequestFrame.parse(JSON.parse(data.toString()));
      } catch {
        return send({ id: null, ok: false, error: 'malformed request' });
      }
      api.invoke(frame.channel, frame.payload).then(
        (result) => send({ id: frame.id, ok: true, result: frame.channel === 'mxaudit:export.write' ? withDownloads(result) : result }),
        (err: unknown) => send({ id: frame.id, ok: false, error: err instanceof ApiError ? err.message : `internal error: ${(err as Error).message}`, issues: err instanceof ApiError ? err.issues : [] }),
      );
    });
  };

  const withDownloads = (result: unknown) => {
    const r = result as { files: { path: string; url: string | null }[] };
    const now = Date.now();
    for (const [id, d] of downloads) if (d.expires < now) downloads.delete(id);
    return { files: r.files.map((f) => {
      const id = randomBytes(24).toString('hex');
      downloads.set(id, { path: f.path, expires: now + DOWNLOAD_TTL_MS });
      return { ...f, url: `/download/${id}` };
    }) };
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    api,
    async close() {
      await api.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
