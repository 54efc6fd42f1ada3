// A download that fails while it is read (here: the exported file replaced by one whose read
// errors, /proc/<serve pid>/mem) ends that response only: serve keeps running and answering.
import { rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../../browser/support/serve-process.js';
import { hostileScripts, startScriptedServer, type ScriptedServer } from '../../support/hostile-server.js';

let serve: ServeProcess;
let server: ScriptedServer;
let ws: WebSocket;
beforeAll(async () => {
  serve = await startServeProcess();
  server = await startScriptedServer(hostileScripts['HTML/JS and ANSI in the banner']);
  ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api`, ['mxaudit', `mxaudit.token.${serve.token}`], { origin: serve.origin });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
});
afterAll(async () => {
  ws?.terminate();
  await serve?.stop();
  await server?.close();
});

let nextId = 1;
function call<T>(channel: string, payload: unknown): Promise<T> {
  const id = nextId++;
  return new Promise((ok, fail) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString());
      if (m.id !== id) return;
      ws.off('message', on);
      if (m.ok) ok(m.result);
      else fail(new Error(m.error));
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ id, channel, payload }));
  });
}

const get = (path: string) =>
  new Promise<{ status: number; error: string | null }>((ok) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path }, (res) => {
      res.on('data', () => {});
      res.on('end', () => ok({ status: res.statusCode ?? 0, error: null }));
      res.on('error', (e) => ok({ status: res.statusCode ?? 0, error: e.message }));
    });
    req.on('error', (e) => ok({ status: 0, error: e.message }));
    req.end();
  });

describe('serve downloads', () => {
  it('survives a file that fails while it is read', async () => {
    const e = await call<{ id: string }>('mxaudit:engagements.create', { name: 'E', client: 'C', authorization: { by: 'B', date: '2026-12-01', hosts: [] } });
    const finished = new Promise<{ assessmentId: string }>((ok) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.event === 'onDidFinishAssessment') ok(m.payload);
      });
    });
    await call('mxaudit:assessments.run', { engagementId: e.id, hosts: [`127.0.0.1:${server.port}`], resolver: ['127.0.0.1:1'], checks: ['ehlo'], authorized: false });
    const { assessmentId } = await finished;
    const { files } = await call<{ files: { path: string; url: string }[] }>('mxaudit:export.write', { engagementId: e.id, assessmentId, formats: ['json'] });
    expect(await get(files[0].url)).toEqual({ status: 200, error: null });
    // A regular file to stat, whose read fails (EIO at address 0 of serve's memory).
    rmSync(files[0].path);
    symlinkSync(`/proc/${serve.child.pid}/mem`, files[0].path);
    const broken = await get(files[0].url);
    expect(broken.error).not.toBeNull();
    // Still serving.
    expect(serve.child.exitCode).toBeNull();
    expect((await get('/')).status).toBe(200);
  });
});
