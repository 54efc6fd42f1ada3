// The JSON-lines decision log: one whole line per finished session, whatever the concurrency.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import type { SessionLogLine } from '../../../main/gateway/trace-log.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-gwlog-'));

describe.skipIf(!existsSync('/usr/bin/swaks'))('gateway decision log', () => {
  it('appends one JSON line per finished session with its decisions and times', async () => {
    const log = join(dir, 'decisions.jsonl');
    writeFileSync(log, '{"earlier":"line kept"}\n');
    const gw = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        storeDir: join(dir, 'store'),
        xclientPeers: ['127.0.0.1'],
        tls: { enabled: false },
        log,
        layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 } },
      },
      { resolver: createResolver(['127.0.0.1:1']) },
    );
    const swaks = (addr: string, to: string) =>
      promisify(execFile)('swaks', ['--server', `127.0.0.1:${gw.port}`, '--helo', `h${addr.split('.')[3]}.example`, '--xclient-addr', addr, '--from', 'x@example.org', '--to', to, '--quit-after', 'RCPT']).catch((e: { stdout: string }) => e);
    const t0 = Date.now();
    // Concurrent sessions: lines must still come out whole, one per session.
    await Promise.all(Array.from({ length: 12 }, (_, i) => swaks(`192.0.2.${100 + i}`, i % 3 === 0 ? 'victim@example.com' : 'alice@lab.test')));
    await gw.stop(1000);

    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline
    expect(JSON.parse(lines.shift()!)).toEqual({ earlier: 'line kept' });
    const entries = lines.map((l) => JSON.parse(l) as SessionLogLine);
    expect(entries).toHaveLength(12);
    expect(new Set(entries.map((e) => e.id)).size).toBe(12);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['authenticated', 'decisions', 'endedAt', 'helo', 'id', 'listener', 'remoteAddress', 'startedAt']);
      expect(e.listener).toBe('mx');
      expect(e.remoteAddress).toMatch(/^192\.0\.2\.1\d\d$/);
      expect(e.helo).toBe(`h${e.remoteAddress.split('.')[3]}.example`);
      expect(Date.parse(e.startedAt)).toBeGreaterThanOrEqual(t0 - 1000);
      expect(Date.parse(e.endedAt)).toBeGreaterThanOrEqual(Date.parse(e.startedAt));
      expect(e.decisions.map((d) => d.phase)).toEqual(expect.arrayContaining(['connect', 'mail', 'rcpt']));
    }
    const relay = entries.filter((e) => e.decisions.some((d) => d.subject === 'victim@example.com'));
    expect(relay).toHaveLength(4);
    for (const e of relay) expect(e.decisions.at(-1)).toMatchObject({ phase: 'rcpt', action: 'reject', reply: expect.stringMatching(/^554 5\.7\.1 /) });
  }, 60_000);

  it('an unwritable log path fails the start with the reason', async () => {
    await expect(startGateway({ listen: { host: '127.0.0.1', port: 0 }, storeDir: join(dir, 'store2'), tls: { enabled: false }, log: join(dir, 'no', 'such', 'dir', 'x.jsonl') })).rejects.toThrow(/ENOENT/);
  });
});
