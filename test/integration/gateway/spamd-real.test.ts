// The spam filter against SpamAssassin's real spamd (Debian package "spamd"), when installed:
// local tests only (-L: no DNS or network rules), on loopback. GTUBE must come back as spam
// with SpamAssassin's own rule name; a clean message as a low score. Skipped without spamd.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GTUBE } from '../../../main/gateway/layers/spam-filter.js';
import { findStored, header, send, startContentGateway, type ContentGateway } from '../../support/content-gateway.js';

const SPAMD = '/usr/sbin/spamd';

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

const accepting = (port: number) =>
  new Promise<boolean>((ok) => {
    const c = connect({ host: '127.0.0.1', port }, () => (c.destroy(), ok(true)));
    c.on('error', () => ok(false));
  });

(existsSync(SPAMD) ? describe : describe.skip)('spam filter with the real spamd', () => {
  let spamd: ChildProcess;
  let t: ContentGateway;
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-spamd-'));
  let log = '';

  beforeAll(async () => {
    const port = await freePort();
    spamd = spawn(SPAMD, [`--listen=127.0.0.1:${port}`, '--local', '--max-children=1', '--syslog=stderr', `--pidfile=${join(dir, 'spamd.pid')}`, '--username=nobody', '--nouser-config'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    spamd.stderr!.on('data', (d: Buffer) => (log += d.toString()).length > 100_000 && (log = log.slice(-50_000)));
    // spamd compiles its rules before it listens: allow a minute on a busy machine.
    for (const t0 = Date.now(); !(await accepting(port)); await new Promise((r) => setTimeout(r, 250))) {
      if (spamd.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`spamd did not start: ${log.slice(-2000)}`);
    }
    t = await startContentGateway({ 'spam-filter': { spamd: { port, timeoutMs: 30_000 } } });
  }, 90_000);

  afterAll(async () => {
    await t?.stop();
    if (spamd?.pid && spamd.exitCode === null) {
      const exited = new Promise((r) => spamd.once('exit', r));
      process.kill(-spamd.pid, 'SIGTERM'); // spamd and its children: the group it leads
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('GTUBE: spamd scores it far over its threshold with its GTUBE rule; SCL 9, refused', async () => {
    expect(await send(t.gw.port, { subject: 'gtube', text: `Hello\n${GTUBE}\n` })).toBe('550 5.7.1 Message refused as spam (SCL 9)');
    expect(t.decisions.at(-1)!.reason).toMatch(/; spamd \d+(\.\d+)?\/\d+(\.\d+)? -> SCL 9 \[[^\]]*GTUBE/);
  });

  it('a plain message: a spamd score under its threshold, in the header, accepted', async () => {
    const reply = await send(t.gw.port, { subject: 'lunch tomorrow', text: 'marker-real-spamd Shall we meet at noon?', date: new Date(), messageId: '<lunch-1@example.org>' });
    expect(reply).toMatch(/^250 /);
    const engines = header(findStored(t.store, 'marker-real-spamd')!.text, 'X-Mxaudit-Spam-Engines')!;
    const m = /^spamd (-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?) -> SCL (\d)/.exec(engines);
    expect(m, engines).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(Number(m![2]));
  });
});
