// The transport-free API: every request validated against the contract; an assessment run
// through it against real (scripted) SMTP servers streams progress and transcript, saves the
// result in the engagement, and can be cancelled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../main/api/create-api.js';
import type { EventName, EventOf } from '../../../shared/ipc-contract.js';
import { hostileScripts, startScriptedServer, type ScriptedServer } from '../../support/hostile-server.js';

let dir: string;
let api: Api;
const events: { event: EventName; payload: unknown }[] = [];
const servers: ScriptedServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-api-'));
  api = createApi({
    dataDir: dir,
    transport: 'serve',
    spawnGateway: () => {
      throw new Error('no gateway in this test');
    },
  });
  api.subscribe((event, payload) => events.push({ event, payload }));
});
afterAll(async () => {
  await api.close();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const engagement = () => api.invoke('mxaudit:engagements.create', { name: 'E', client: 'C', authorization: { by: 'B', date: '2026-12-01', hosts: [] } }) as Promise<{ id: string }>;

function waitFor<E extends EventName>(event: E, match: (p: EventOf<E>) => boolean, timeoutMs = 30_000): Promise<EventOf<E>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`no ${event} within ${timeoutMs} ms`))), timeoutMs);
    const off = api.subscribe((e: EventName, p: unknown) => {
      if (e === event && match(p as EventOf<E>)) {
        clearTimeout(t);
        off();
        resolve(p as EventOf<E>);
      }
    });
  });
}

describe('createApi', () => {
  it('refuses unknown channels and invalid or extra fields, naming the field', async () => {
    await expect(api.invoke('mxaudit:nope', {})).rejects.toThrow('unknown channel');
    await expect(api.invoke('constructor', {})).rejects.toThrow('unknown channel');
    await expect(api.invoke('mxaudit:engagements.list', { extra: 1 })).rejects.toThrow(/invalid request/);
    const e = await engagement();
    const bad = api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: [], domain: '', authorized: false });
    await expect(bad).rejects.toMatchObject({ issues: [{ path: 'hosts', message: 'give a host or a domain' }] });
    await expect(api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: ['x'], relayCanary: 'me@example.com', authorized: false })).rejects.toThrow(/relay canary needs the authorization/);
    await expect(api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: ['bad host!'], authorized: false })).rejects.toMatchObject({ issues: [{ path: 'hosts' }] });
    await expect(api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: ['127.0.0.1'], checks: ['no-such-check'], authorized: false })).rejects.toThrow(/unknown check/);
    await expect(api.invoke('mxaudit:mailbox.read', { folder: 'inbox', recipient: '../x', id: 'a' })).rejects.toThrow(/invalid request/);
  });

  it('refuses gateway settings that name a file or a non-loopback listener, naming the field, before any process starts', async () => {
    // spawnGateway throws "no gateway in this test": a config let through would fail with that instead.
    const start = (configText: string) => api.invoke('mxaudit:gateway.start', { port: 0, labDns: false, configText });
    await expect(start('{"log": "/root/.bashrc"}')).rejects.toMatchObject({ message: expect.stringMatching(/^the configuration is not valid: log: not settable from the app/), issues: [expect.objectContaining({ path: 'log', line: 1 })] });
    await expect(start('storeDir: /etc\n')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'storeDir', line: 1 })] });
    await expect(start('{"tls": {"key": "/etc/shadow", "cert": "/etc/passwd"}}')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'tls.key' }), expect.objectContaining({ path: 'tls.cert' })] });
    await expect(start('{"listen": {"host": "0.0.0.0", "port": 25}}')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'listen.host', message: expect.stringMatching(/127\.0\.0\.1 only/) })] });
    await expect(start('{"submission": {"listen": {"host": "0.0.0.0"}, "users": [{"username": "u", "password": "p"}]}}')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'submission.listen.host' })] });
    // The editor shows the same errors in place.
    expect(((await api.invoke('mxaudit:gateway.validateConfig', { text: '{\n  "log": "x.jsonl"\n}' })) as { issues: unknown[] }).issues).toEqual([expect.objectContaining({ path: 'log', line: 2 })]);
    // What the app may set still passes validation and reaches the process.
    await expect(start('{"listen": {"host": "127.0.0.1", "port": 25}, "tls": {"enabled": false}}')).rejects.toThrow('no gateway in this test');
  });

  it('refuses a recipient that climbs out of the store folder', async () => {
    for (const recipient of ['..', '.', '.hidden', '-x']) {
      await expect(api.invoke('mxaudit:mailbox.read', { folder: 'inbox', recipient, id: 'a' })).rejects.toThrow(/invalid request/);
    }
  });

  it('runs an assessment with live progress and transcript, and saves it in the engagement', async () => {
    const server = await startScriptedServer(hostileScripts['HTML/JS and ANSI in the banner']);
    servers.push(server);
    const e = await engagement();
    const { runId } = (await api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: [`127.0.0.1:${server.port}`], resolver: ['127.0.0.1:1'], checks: ['ehlo'], authorized: false })) as { runId: string };
    const finished = await waitFor('onDidFinishAssessment', (p) => p.runId === runId);
    expect(finished).toMatchObject({ engagementId: e.id, cancelled: false, error: null });
    const progress = events.filter((x) => x.event === 'onDidProgress' && (x.payload as { runId: string }).runId === runId).flatMap((x) => (x.payload as EventOf<'onDidProgress'>).events);
    expect(progress.map((p) => p.type)).toEqual(expect.arrayContaining(['host-start', 'check-start', 'check-end']));
    expect(progress.find((p) => p.type === 'check-end')).toMatchObject({ checkId: 'ehlo', status: expect.stringMatching(/pass|warn|fail/) });
    const lines = events.filter((x) => x.event === 'onDidTranscript' && (x.payload as { runId: string }).runId === runId).flatMap((x) => (x.payload as EventOf<'onDidTranscript'>).lines);
    expect(lines.some((l) => l.checkId === 'ehlo' && l.line.includes('<- 220 <script>alert(1)</script>'))).toBe(true);
    const saved = (await api.invoke('mxaudit:assessments.get', { engagementId: e.id, assessmentId: finished.assessmentId! })) as { engagement: unknown; facts: { banner: string } };
    expect(saved.engagement).toEqual({ name: 'E', client: 'C' });
    expect(saved.facts.banner).toContain('<script>alert(1)</script>');
    expect(((await api.invoke('mxaudit:engagements.get', { id: e.id })) as { assessments: unknown[] }).assessments).toHaveLength(1);
  });

  it('cancels a run against a silent server, keeping what finished marked partial', async () => {
    const server = await startScriptedServer(hostileScripts['silence after connect']);
    servers.push(server);
    const e = await engagement();
    const started = Date.now();
    const { runId } = (await api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: [`127.0.0.1:${server.port}`], resolver: ['127.0.0.1:1'], checks: ['ehlo'], authorized: false })) as { runId: string };
    await waitFor('onDidProgress', (p) => p.runId === runId && p.events.some((x) => x.type === 'check-start'));
    expect(await api.invoke('mxaudit:assessments.cancel', { runId })).toEqual({ cancelled: true });
    const finished = await waitFor('onDidFinishAssessment', (p) => p.runId === runId);
    expect(Date.now() - started).toBeLessThan(10_000); // the reply timeout is 30 s: it was the cancel
    expect(finished.cancelled).toBe(true);
    const [summary] = ((await api.invoke('mxaudit:engagements.get', { id: e.id })) as { assessments: { cancelled: boolean }[] }).assessments;
    expect(summary.cancelled).toBe(true);
    const a = (await api.invoke('mxaudit:assessments.get', { engagementId: e.id, assessmentId: finished.assessmentId! })) as { checks: { status: string; reason?: string }[] };
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/cancel|abort/) });
    expect(await api.invoke('mxaudit:assessments.cancel', { runId })).toEqual({ cancelled: false });
  });
});
