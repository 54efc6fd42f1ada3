// The gateway in its own process behind the API (child_process.fork of the built gateway
// host, as serve mode runs it): start with the lab DNS, a real swaks message in the session
// log, the counters and the mailbox; stop closes the port and ends the process; a bad config
// is refused with its path; the gateway never outlives a killed parent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../main/api/create-api.js';
import { forkGatewayProcess } from '../../../main/gateway-host/fork-gateway-process.js';
import type { GatewayProcess } from '../../../main/gateway-host/protocol.js';
import type { EventOf, GatewayStatus } from '../../../shared/ipc-contract.js';
import { swaks, swaksAvailable } from '../../support/smtp-clients.js';
import { startServeProcess } from '../../browser/support/serve-process.js';

const entry = resolve(import.meta.dirname, '../../../out/main/gateway-host.js');

const portState = (port: number) =>
  new Promise<string>((ok) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), ok('open')));
    s.once('error', (e: NodeJS.ErrnoException) => ok(e.code ?? 'error'));
  });

/** Connects, says EHLO, waits `ms`, quits. */
async function slowSession(port: number, ms: number): Promise<void> {
  const s = net.connect({ host: '127.0.0.1', port });
  let got = '';
  s.on('data', (d) => (got += d.toString()));
  const until = (re: RegExp) => expect.poll(() => re.test(got), { timeout: 5_000, interval: 20 }).toBe(true);
  await until(/^220 /m);
  s.write('EHLO slow.test\r\n');
  await until(/^250 /m);
  await new Promise((r) => setTimeout(r, ms));
  s.write('QUIT\r\n');
  await until(/^221 /m);
  s.destroy();
}

describe.runIf(swaksAvailable)('gateway process behind the API', () => {
  let dir: string;
  let api: Api;
  const procs: GatewayProcess[] = [];
  const sessions: EventOf<'onDidGatewaySession'>[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mxaudit-gwproc-'));
    api = createApi({
      dataDir: dir,
      transport: 'serve',
      spawnGateway: () => {
        const p = forkGatewayProcess(entry);
        procs.push(p);
        return p;
      },
    });
    api.subscribe((e, p) => e === 'onDidGatewaySession' && sessions.push(p as EventOf<'onDidGatewaySession'>));
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad config with its path, starting nothing', async () => {
    await expect(api.invoke('mxaudit:gateway.start', { port: 0, labDns: true, configText: '{ "maxClients": 0 }' })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'maxClients' })] });
    expect(procs).toHaveLength(0);
    expect(((await api.invoke('mxaudit:gateway.status', {})) as GatewayStatus).state).toBe('stopped');
  });

  it('starts, takes a message, shows the session, counters and mailbox, and stops', async () => {
    const status = (await api.invoke('mxaudit:gateway.start', { port: 0, labDns: true, configText: '{ "layers": { "recipient-lookup": { "tarpitSeconds": 0 } } }' })) as GatewayStatus;
    expect(status).toMatchObject({ state: 'running', host: '127.0.0.1', domains: ['lab.test'], labDns: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    await expect(api.invoke('mxaudit:gateway.start', { port: 0, labDns: false })).rejects.toThrow(/already running/);
    const port = status.port!;
    const out = await swaks(port, '--from', 'sender@friend.test', '--to', 'alice@lab.test', '--header', 'Subject: from the api test');
    expect(out).toMatch(/<- {2}250 2\.0\.0/);
    await expect.poll(() => sessions.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(sessions[0].decisions.map((d) => d.phase)).toEqual(expect.arrayContaining(['connect', 'mail', 'rcpt', 'data']));
    expect(await api.invoke('mxaudit:gateway.sessions', {})).toEqual(sessions);
    // A session that lasts: its view has the real start time and listener, not its end time.
    await slowSession(port, 400);
    await expect.poll(() => sessions.length, { timeout: 10_000 }).toBe(2);
    const slow = sessions[1];
    expect(slow.listener).toBe('mx');
    expect(Date.parse(slow.endedAt) - Date.parse(slow.startedAt)).toBeGreaterThanOrEqual(350);
    await expect.poll(async () => Object.keys(((await api.invoke('mxaudit:gateway.status', {})) as GatewayStatus).counters).length, { timeout: 5_000 }).toBeGreaterThan(0);
    const list = (await api.invoke('mxaudit:mailbox.list', {})) as { folder: string; recipient: string; id: string; subject: string; scl: string | null }[];
    const m = list.find((x) => x.subject === 'from the api test');
    expect(m).toMatchObject({ folder: 'inbox', recipient: 'alice@lab.test', scl: expect.any(String) });
    const read = (await api.invoke('mxaudit:mailbox.read', { folder: 'inbox', recipient: 'alice@lab.test', id: m!.id })) as { headers: [string, string][] };
    expect(read.headers.map(([k]) => k.toLowerCase())).toContain('x-scl');
    const stopped = (await api.invoke('mxaudit:gateway.stop', {})) as GatewayStatus;
    expect(stopped.state).toBe('stopped');
    expect(await portState(port)).toBe('ECONNREFUSED');
    // The mailbox stays readable after the stop.
    expect(((await api.invoke('mxaudit:mailbox.list', {})) as unknown[]).length).toBe(list.length);
  });

  it('plays the attack suite and the traffic generator against the running gateway', async () => {
    await expect(api.invoke('mxaudit:attack.run', {})).rejects.toThrow(/start the gateway first/);
    const status = (await api.invoke('mxaudit:gateway.start', { port: 0, labDns: true, configText: '{ "layers": { "recipient-lookup": { "tarpitSeconds": 0 } } }' })) as GatewayStatus;
    try {
      const streamed: string[] = [];
      const off = api.subscribe((e, p) => e === 'onDidAttackResult' && streamed.push((p as { id: string }).id));
      const results = (await api.invoke('mxaudit:attack.run', {})) as { id: string; verdict: string; asExpected: boolean }[];
      off();
      expect(results.length).toBeGreaterThanOrEqual(10);
      expect(streamed).toEqual(results.map((r) => r.id));
      // The lab gateway stops every attack with the intended layer.
      expect(results.filter((r) => !r.asExpected)).toEqual([]);
      const traffic = (await api.invoke('mxaudit:traffic.run', { messages: 40 })) as { summary: { attempts: number; outcomes: Record<string, number> } };
      expect(traffic.summary.attempts).toBeGreaterThan(0);
      expect(Object.values(traffic.summary.outcomes).reduce((a, b) => a + b, 0)).toBe(traffic.summary.attempts);
      expect(Object.keys(traffic.summary.outcomes)).toContain('delivered');
    } finally {
      await api.invoke('mxaudit:gateway.stop', {});
    }
    expect(await portState(status.port!)).toBe('ECONNREFUSED');
  }, 120_000);

  it('keeps control of a gateway started right after a failed start (the failed process exits late)', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((ok) => taken.once('listening', ok));
    const busy = (taken.address() as net.AddressInfo).port;
    try {
      await expect(api.invoke('mxaudit:gateway.start', { port: busy, labDns: false })).rejects.toThrow(/did not start.*EADDRINUSE/);
      // At once, before the failed process's exit is seen.
      const status = (await api.invoke('mxaudit:gateway.start', { port: 0, labDns: false })) as GatewayStatus;
      expect(status.state).toBe('running');
      await new Promise((r) => setTimeout(r, 500)); // the failed process's exit has arrived by now
      expect(((await api.invoke('mxaudit:gateway.status', {})) as GatewayStatus).state).toBe('running');
      expect(((await api.invoke('mxaudit:gateway.stop', {})) as GatewayStatus).state).toBe('stopped');
      expect(await portState(status.port!)).toBe('ECONNREFUSED');
    } finally {
      taken.close();
    }
  });

  it('never outlives a killed serve process', async () => {
    const serve = await startServeProcess();
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api`, ['mxaudit', `mxaudit.token.${serve.token}`], { origin: serve.origin });
      await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
      const reply = new Promise<{ ok: boolean; result: GatewayStatus }>((ok) => ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.id === 1) ok(m);
      }));
      ws.send(JSON.stringify({ id: 1, channel: 'mxaudit:gateway.start', payload: { port: 0, labDns: true } }));
      const { result } = await reply;
      expect(await portState(result.port!)).toBe('open');
      serve.child.kill('SIGKILL');
      await expect.poll(() => portState(result.port!), { timeout: 10_000 }).toBe('ECONNREFUSED');
      ws.terminate();
    } finally {
      await serve.stop();
    }
  });
});
