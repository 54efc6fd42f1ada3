// A mailbox folder's entry survives a power cut only once its parent folders are fsynced, so no
// 250 for a message in a folder may go out before those fsyncs end: also for deliveries that
// arrive while the first one to a new folder is still creating it, and for a folder found
// already there (a previous run may have crashed between its mkdir and the fsyncs), once per
// process. Proven on the system calls: strace, attached to this process (the gateway runs
// in-process), slows the parents' fsyncs down (-P: only theirs) and records when they ran.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { dotStuff, RawSmtp, testMessage } from '../../support/smtp-raw.js';
import { fdPath, parseTrace, STRACE, straceAvailable } from '../../support/strace-gateway.js';

/** How long strace holds each parent fsync: long enough that a 250 not waiting for it shows. */
const DELAY_MS = 400;
const RCPT = 'alice@lab.test';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function gateway(store: string): Promise<Gateway> {
  const gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      tls: { enabled: false },
      layers: { 'recipient-lookup': { directory: { users: [RCPT] }, tarpitSeconds: 0 }, 'connection-filter': { providers: [] } },
    },
    { resolver: createResolver(['127.0.0.1:1']) },
  );
  cleanups.push(() => gw.stop(0));
  return gw;
}

/** strace on this process: fsyncs of `paths` only, each held DELAY_MS; stop() returns them with the time they returned. */
async function slowFsyncs(paths: string[], traceFile: string): Promise<{ stop(): Promise<{ path: string; endMs: number }[]> }> {
  const args = ['-f', '-ttt', '-T', '-yy', '-p', String(process.pid), '-e', 'trace=fsync,fdatasync', '-e', `inject=fsync,fdatasync:delay_exit=${DELAY_MS * 1000}`, '-o', traceFile];
  for (const p of paths) args.push('-P', p);
  const child: ChildProcess = spawn(STRACE, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((ok, fail) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/attached/.test(err)) ok();
    });
    child.once('exit', (code) => fail(new Error(`strace exited (${code}): ${err}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // strace detaches from this process and exits
      await exited;
    }
  };
  cleanups.push(stop);
  return {
    async stop() {
      await stop();
      // -ttt is when the call began, -T how long the kernel took; the injected delay comes after.
      return parseTrace(readFileSync(traceFile, 'utf8')).map((c) => ({ path: fdPath(c), endMs: c.end * 1000 + DELAY_MS }));
    },
  };
}

/** A session up to the DATA go-ahead; send() writes the message and resolves with when its reply arrived and the reply. */
async function readyForData(port: number) {
  const c = await RawSmtp.connect(port);
  cleanups.push(() => c.destroy());
  for (const [cmd, want] of [[null, 220], ['EHLO client.example', 250], ['MAIL FROM:<a@b.test>', 250], [`RCPT TO:<${RCPT}>`, 250], ['DATA', 354]] as const) {
    const r = cmd ? await c.command(cmd) : await c.reply();
    if (r.code !== want) throw new Error(`${cmd ?? 'banner'}: ${r.lines.join(' | ')}`);
  }
  return async (marker: string) => {
    await c.write(dotStuff(testMessage(marker)));
    const r = await c.reply();
    return { atMs: Date.now(), line: r.lines.at(-1) ?? '' };
  };
}

(straceAvailable ? describe : describe.skip)('store folders: parents fsynced before any 250 (strace on this process)', () => {
  it('concurrent first deliveries to a new folder all wait for its parents\' fsyncs, done once', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-folders-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = join(dir, 'store');
    const gw = await gateway(store);
    // The store exists (the gateway made it); inbox/ and inbox/alice@lab.test/ are made by the first delivery.
    const parents = [join(store, 'inbox'), store];
    const trace = await slowFsyncs(parents, join(dir, 'strace.txt'));
    const senders = await Promise.all([0, 1, 2, 3].map(() => readyForData(gw.port)));
    const acks = await Promise.all(senders.map((send, i) => send(`concurrent-${i}`)));
    const syncs = await trace.stop();

    expect(acks.map((a) => a.line)).toEqual(acks.map(() => expect.stringMatching(/^250 .*queued as /)));
    // Each parent once, however many deliveries raced to create the folder.
    expect(syncs.map((s) => s.path).sort()).toEqual([...parents].sort());
    const durable = Math.max(...syncs.map((s) => s.endMs));
    // No 250 before the folder's entry is on disk (a 2 ms allowance for the clocks' granularity).
    const early = acks.filter((a) => a.atMs < durable - 2).map((a) => `${a.line} came ${Math.round(durable - a.atMs)} ms before the parents' fsyncs ended`);
    expect(early).toEqual([]);
  });

  it('a folder found already there gets its parent fsynced before its first 250, and only once', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxaudit-folders-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = join(dir, 'store');
    // Left by a previous run that may have crashed before fsyncing inbox/.
    mkdirSync(join(store, 'inbox', RCPT), { recursive: true });
    const gw = await gateway(store);
    const parents = [join(store, 'inbox'), store];
    const trace = await slowFsyncs(parents, join(dir, 'strace.txt'));
    const first = await (await readyForData(gw.port))('existing-1');
    const second = await (await readyForData(gw.port))('existing-2');
    const syncs = await trace.stop();

    expect([first.line, second.line]).toEqual([expect.stringMatching(/^250 .*queued as /), expect.stringMatching(/^250 .*queued as /)]);
    // Only the folder's own parent: the store's entry for inbox/ is not this folder's to fix.
    expect(syncs.map((s) => s.path)).toEqual([join(store, 'inbox')]);
    expect(first.atMs).toBeGreaterThanOrEqual(syncs[0].endMs - 2);
  });
});
