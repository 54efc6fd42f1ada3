// Compare's reference assessment runs the lab (gateway, DNS, MTA-STS) in a gateway host process
// of its own (the built bundle, forked as serve mode does), never in main; closing the API
// cancels it and the process goes away.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../main/api/create-api.js';
import { forkGatewayProcess } from '../../../main/gateway-host/fork-gateway-process.js';
import type { EventName, EventOf } from '../../../shared/ipc-contract.js';
import { hostileScripts, startScriptedServer, type ScriptedServer } from '../../support/hostile-server.js';

const entry = resolve(import.meta.dirname, '../../../out/main/gateway-host.js');

/** Our child processes running the gateway host bundle, from /proc. */
function gatewayHostChildren(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('gateway-host.js')) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

let dir: string;
let api: Api;
let server: ScriptedServer;
let spawned = 0;
const progress: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mxaudit-refproc-'));
  server = await startScriptedServer(hostileScripts['HTML/JS and ANSI in the banner']);
  api = createApi({
    dataDir: dir,
    transport: 'serve',
    spawnGateway: () => {
      spawned++;
      return forkGatewayProcess(entry);
    },
  });
  api.subscribe((e: EventName, p: unknown) => e === 'onDidCompareProgress' && progress.push((p as EventOf<'onDidCompareProgress'>).message));
});
afterAll(async () => {
  await api.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function waitFor<E extends EventName>(event: E, match: (p: EventOf<E>) => boolean, timeoutMs = 60_000): Promise<EventOf<E>> {
  return new Promise((ok, fail) => {
    const t = setTimeout(() => (off(), fail(new Error(`no ${event} within ${timeoutMs} ms`))), timeoutMs);
    const off = api.subscribe((e: EventName, p: unknown) => {
      if (e === event && match(p as EventOf<E>)) {
        clearTimeout(t);
        off();
        ok(p as EventOf<E>);
      }
    });
  });
}

describe('the reference assessment behind Compare', () => {
  it('runs in its own process, streams progress, and is cancelled with that process by close()', async () => {
    const e = (await api.invoke('mxaudit:engagements.create', { name: 'E', client: 'C', authorization: { by: 'B', date: '2026-12-01', hosts: [] } })) as { id: string };
    const { runId } = (await api.invoke('mxaudit:assessments.run', { engagementId: e.id, hosts: [`127.0.0.1:${server.port}`], resolver: ['127.0.0.1:1'], checks: ['ehlo'], authorized: false })) as { runId: string };
    const { assessmentId } = await waitFor('onDidFinishAssessment', (p) => p.runId === runId);
    expect(gatewayHostChildren()).toEqual([]);
    const compare = api.invoke('mxaudit:compare.run', { engagementId: e.id, assessmentId: assessmentId! });
    compare.catch(() => {});
    // A check of the reference finished: the lab is up and probed, in a child process.
    await expect.poll(() => progress.some((m) => m.startsWith('reference: ')), { timeout: 90_000, interval: 200 }).toBe(true);
    expect(spawned).toBe(1);
    const children = gatewayHostChildren();
    expect(children).toHaveLength(1);
    const started = Date.now();
    await api.close();
    await expect(compare).rejects.toThrow(/the reference assessment stopped/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => gatewayHostChildren(), { timeout: 5_000 }).toEqual([]);
  }, 150_000);
});
