// Issue 5 acceptance, no loss: under parallel load the number of 250-acknowledged messages
// equals the number stored, byte for byte; a kill -9 in the middle of the load and a restart
// leave every acknowledged message on disk. The gateway runs as users run it (the CLI, a child
// process), DNS only to a dead loopback port.
//
// Scale: MXAUDIT_NOLOSS_MESSAGES messages per session, 20 sessions (default 100: about 2,000
// messages per run, well under a minute). The full scale is MXAUDIT_NOLOSS_MESSAGES=5000
// (20 x 5000 = 100,000 messages): run it on the bench, the timings printed here tell how long.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, writeLoadConfig, type GatewayChild } from '../../support/gateway-child.js';
import { readStore, sendSession, storedMismatch, type Ack } from '../../support/smtp-raw.js';

const SESSIONS = 20;
const PER_SESSION = Number(process.env.MXAUDIT_NOLOSS_MESSAGES ?? 100);
const TOTAL = SESSIONS * PER_SESSION;
const SMTP_SOURCE = '/usr/sbin/smtp-source';
// Generous per-message budget (fsync per message on a slow CI disk) on top of a fixed minute.
const budget = (messages: number) => 60_000 + messages * 25;

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-noloss-'));
const running: GatewayChild[] = [];
afterAll(async () => {
  await Promise.all(running.map((g) => g.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function gateway(store: string): Promise<GatewayChild> {
  const g = await spawnGateway(writeLoadConfig(dir, store));
  running.push(g);
  return g;
}

/** Every acknowledged id on disk with exactly the bytes sent; the failures, at most a few. */
function checkAcked(store: string, acks: Iterable<Ack>): string[] {
  const stored = readStore(store);
  const bad: string[] = [];
  for (const a of acks) {
    const why = storedMismatch(stored.get(a.id), a.message);
    if (why && bad.length < 10) bad.push(`${a.id}: ${why}`);
  }
  return bad;
}

const leftovers = (store: string) => ({
  spool: existsSync(join(store, '.spool')) ? readdirSync(join(store, '.spool')).length : 0,
  tmp: existsSync(join(store, 'inbox', 'user@lab.test')) ? readdirSync(join(store, 'inbox', 'user@lab.test')).filter((f) => f.endsWith('.tmp')).length : 0,
});

describe(`no loss under load (${SESSIONS} sessions x ${PER_SESSION} messages)`, () => {
  it(
    'every 250 "queued as ID" is a stored file with the exact bytes sent, and nothing else is stored',
    async () => {
      const store = join(dir, 'store-own');
      const gw = await gateway(store);
      const acks: Ack[] = [];
      const refused: string[] = [];
      const t0 = performance.now();
      const results = await Promise.all(
        Array.from({ length: SESSIONS }, () => sendSession(gw.port, PER_SESSION, { onAck: (a) => acks.push(a), onRefused: (r) => refused.push(r.lines.join(' | ')) })),
      );
      const ms = performance.now() - t0;
      console.log(
        `[no-loss] own client: ${acks.length} messages in ${Math.round(ms)} ms = ${(ms / acks.length).toFixed(2)} ms/message aggregate, ` +
          `${((ms * SESSIONS) / acks.length).toFixed(1)} ms/message per session; ` +
          `20 x 5000 extrapolated: ${Math.round((ms / acks.length) * 100_000 / 1000)} s; gateway peak RSS ${Math.round(gw.peakRssKb() / 1024)} MiB`,
      );
      expect(refused).toEqual([]);
      expect(results.reduce((n, r) => n + r.acked, 0)).toBe(TOTAL);
      expect(new Set(acks.map((a) => a.id)).size).toBe(TOTAL);
      expect(checkAcked(store, acks)).toEqual([]);
      // Nothing stored that was not acknowledged, and no spool or temp file left behind.
      expect(readStore(store).size).toBe(TOTAL);
      expect(leftovers(store)).toEqual({ spool: 0, tmp: 0 });
      expect(gw.alive()).toBe(true);
    },
    budget(TOTAL),
  );

  it.skipIf(!existsSync(SMTP_SOURCE))(
    'smtp-source (Postfix) 20 parallel sessions reusing connections: exit 0 and as many stored messages as sent',
    async () => {
      const store = join(dir, 'store-smtp-source');
      const gw = await gateway(store);
      const t0 = performance.now();
      // -c prints a counter to stdout: a large buffer, nothing else read from it.
      const r = await promisify(execFile)(SMTP_SOURCE, ['-4', '-d', '-s', String(SESSIONS), '-m', String(TOTAL), '-l', '4096', '-f', 'a@b.test', '-t', 'user@lab.test', `127.0.0.1:${gw.port}`], { maxBuffer: 64 * 1024 * 1024 }).then(
        (x) => ({ code: 0, stderr: x.stderr }),
        (e: { code: number; stderr: string }) => e,
      );
      const ms = performance.now() - t0;
      console.log(`[no-loss] smtp-source -d -s ${SESSIONS} -m ${TOTAL}: ${Math.round(ms)} ms = ${(ms / TOTAL).toFixed(2)} ms/message aggregate; 20 x 5000 extrapolated: ${Math.round((ms / TOTAL) * 100)} s`);
      expect(r.code, r.stderr).toBe(0);
      const stored = readStore(store);
      expect(stored.size).toBe(TOTAL);
      // smtp-source sends the same 4096-byte filler body every time: every stored file carries it whole.
      expect([...stored.values()].filter((m) => !m.startsWith('Received: ') || m.length < 4096)).toEqual([]);
      expect(leftovers(store)).toEqual({ spool: 0, tmp: 0 });
    },
    budget(TOTAL),
  );

  it(
    'kill -9 in the middle of the load: every message acknowledged before the kill is on disk, intact; a restart serves',
    async () => {
      const store = join(dir, 'store-kill');
      const gw = await gateway(store);
      const acks: Ack[] = [];
      const killAfter = Math.max(50, Math.floor(TOTAL / 4));
      let killed = false;
      const sessions = Array.from({ length: SESSIONS }, () =>
        sendSession(gw.port, Number.MAX_SAFE_INTEGER, {
          stop: () => killed,
          onAck: (a) => {
            acks.push(a);
            if (!killed && acks.length >= killAfter) {
              killed = true;
              process.kill(gw.pid, 'SIGKILL');
            }
          },
        }).catch((e: Error) => e),
      );
      const outcomes = await Promise.all(sessions);
      expect(await gw.exited).toBe('SIGKILL');
      // The sessions were cut by the kill, not by a refusal.
      expect(outcomes.filter((o) => o instanceof Error).length).toBeGreaterThan(0);
      const acked = acks.length;
      expect(acked).toBeGreaterThanOrEqual(killAfter);
      expect(checkAcked(store, acks)).toEqual([]);
      const after = readStore(store).size;
      // Stored but not acknowledged (the 250 was lost with the process) is allowed: at most one per session.
      expect(after - acked).toBeGreaterThanOrEqual(0);
      expect(after - acked).toBeLessThanOrEqual(SESSIONS);
      console.log(`[no-loss] kill -9 after ${acked} acknowledged: ${after} stored; leftovers ${JSON.stringify(leftovers(store))}`);

      // Restart on the same store: serves, and what was there is untouched.
      const again = await gateway(store);
      const more: Ack[] = [];
      await sendSession(again.port, 5, { onAck: (a) => more.push(a) });
      expect(more).toHaveLength(5);
      expect(checkAcked(store, [...acks, ...more])).toEqual([]);
      expect(readStore(store).size).toBe(after + 5);
    },
    budget(TOTAL),
  );
});
