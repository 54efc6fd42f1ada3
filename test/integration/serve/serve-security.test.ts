// The serve bridge's guards, against the real built `mxaudit serve`: only 127.0.0.1, the API
// only with the token and from our own origin and host, the renderer files only.
import { networkInterfaces } from 'node:os';
import net from 'node:net';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../../browser/support/serve-process.js';

let serve: ServeProcess;
beforeAll(async () => {
  serve = await startServeProcess();
});
afterAll(async () => {
  await serve?.stop();
});

/** Opens the API socket; resolves 'open' or the HTTP status of the refusal. */
function connect(opts: { token?: string; origin?: string; host?: string; protocols?: string[] }): Promise<{ outcome: 'open' | number; ws: WebSocket }> {
  const protocols = opts.protocols ?? ['mxaudit', `mxaudit.token.${opts.token ?? serve.token}`];
  const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api`, protocols, { origin: opts.origin ?? serve.origin, headers: opts.host ? { host: opts.host } : {} });
  return new Promise((resolve) => {
    ws.on('open', () => resolve({ outcome: 'open', ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ outcome: res.statusCode ?? 0, ws }));
    ws.on('error', () => resolve({ outcome: -1, ws }));
  });
}

function call(ws: WebSocket, channel: string, payload: unknown): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString());
      if (m.id === id) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ id, channel, payload }));
  });
}

describe('mxaudit serve', () => {
  it('listens on 127.0.0.1 only', async () => {
    // The kernel's own table: our port, bound to 127.0.0.1 (0100007F), nowhere else.
    const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/));
    const listening = rows.filter((r) => r[3] === '0A' && parseInt(r[1].split(':')[1], 16) === serve.port).map((r) => r[1].split(':')[0]);
    expect(listening).toEqual(['0100007F']);
    const v6 = readFileSync('/proc/net/tcp6', 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/));
    expect(v6.filter((r) => r[3] === '0A' && parseInt(r[1].split(':')[1], 16) === serve.port)).toEqual([]);
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: external.address, port: serve.port });
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });

  it('answers the API with the right token, origin and host', async () => {
    const { outcome, ws } = await connect({});
    expect(outcome).toBe('open');
    const r = await call(ws, 'mxaudit:engagements.list', {});
    expect(r).toMatchObject({ ok: true, result: [] });
    ws.close();
  });

  it('refuses a wrong or missing token', async () => {
    expect((await connect({ token: 'f'.repeat(64) })).outcome).toBe(401);
    expect((await connect({ token: serve.token.slice(0, -1) })).outcome).toBe(401);
    expect((await connect({ protocols: ['mxaudit'] })).outcome).toBe(401);
  });

  it('refuses another origin, even with the token', async () => {
    expect((await connect({ origin: 'http://evil.example' })).outcome).toBe(403);
    expect((await connect({ origin: `http://127.0.0.1:${serve.port + 1}` })).outcome).toBe(403);
    expect((await connect({ origin: 'null' })).outcome).toBe(403);
  });

  it('refuses a rebound host name (DNS rebinding)', async () => {
    expect((await connect({ host: `attacker.example:${serve.port}`, origin: `http://attacker.example:${serve.port}` })).outcome).toBe(421);
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: serve.port, path: '/', headers: { host: `attacker.example:${serve.port}` } }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(status).toBe(421);
  });

  it('validates every request: an invalid payload is refused with the field, an unknown channel too', async () => {
    const { ws } = await connect({});
    const bad = await call(ws, 'mxaudit:engagements.create', { name: 'x', client: 'y', authorization: { by: '', date: 'yesterday' }, extra: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/invalid request/);
    expect(await call(ws, 'mxaudit:nope.nothing', {})).toMatchObject({ ok: false, error: 'unknown channel' });
    expect(await call(ws, '__proto__', {})).toMatchObject({ ok: false, error: 'unknown channel' });
    ws.close();
  });

  it('answers malformed frames with an error and closes on an oversized one, still serving others', async () => {
    const { ws } = await connect({});
    const next = () => new Promise<{ id: unknown; ok: boolean; error: string }>((ok) => ws.once('message', (d) => ok(JSON.parse(d.toString()))));
    for (const frame of ['not json', '{"id": "x", "channel": 1}', JSON.stringify({ id: 1, channel: 'mxaudit:engagements.list', payload: {}, extra: true })]) {
      const reply = next();
      ws.send(frame);
      expect(await reply).toEqual({ id: null, ok: false, error: 'malformed request' });
    }
    const binary = next();
    ws.send(Buffer.from([1, 2, 3]));
    expect((await binary).error).toBe('malformed request');
    const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
    ws.send('x'.repeat(3 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const { outcome, ws: again } = await connect({});
    expect(outcome).toBe('open');
    expect(await call(again, 'mxaudit:engagements.list', {})).toMatchObject({ ok: true });
    again.close();
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const get = (path: string) =>
      new Promise<{ status: number; csp: string | undefined; body: string }>((resolve) => {
        request({ host: '127.0.0.1', port: serve.port, path }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined, body }));
        }).end();
      });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect(index.csp).toContain("script-src 'self'");
    expect(index.csp).not.toContain('unsafe');
    // The page's own policy (all the desktop app's file:// page has): connections to its own origin only.
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(index.body)?.[1] ?? '';
    expect(meta.split(';').map((d) => d.trim()).filter((d) => d.startsWith('connect-src'))).toEqual(["connect-src 'self'"]);
    expect(meta).toContain("default-src 'none'");
    expect(meta).not.toMatch(/unsafe|ws:|\*/);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/../../main/cli.js', '/download/' + 'a'.repeat(48)]) expect((await get(path)).status, path).toBe(404);
  });
});
