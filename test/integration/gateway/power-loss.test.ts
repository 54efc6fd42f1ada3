// Power-loss durability, proven on the system calls: the gateway (the CLI, a child process)
// runs under strace, and for every message answered "250 ... queued as ID" the trace must show,
// before that 250 is written to the socket: the message's bytes written to its temporary file,
// that file fsynced, renamed to ID.eml, and the folder fsynced (so the new name survives a power
// cut), for every recipient; with a smart-host relay also the queue entry written the same way.
// kill -9 tests (no-loss.test.ts) cannot tell a page-cache write from a durable one; this can.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { fdPath, parseTrace, spawnTracedGateway, straceAvailable, type Call, type TracedGateway } from '../../support/strace-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-powerloss-'));
let gw: TracedGateway | null = null;
let sink: SmtpSink | null = null;

afterAll(async () => {
  await gw?.stop('SIGKILL');
  await sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

(straceAvailable ? describe : describe.skip)('power-loss durability (strace on the gateway process)', () => {
  it('every acknowledged message: written, fsynced, renamed, folder fsynced, relay entry durable, all before its 250', { timeout: 120_000 }, async () => {
    sink = await startSmtpSink();
    const store = join(dir, 'store');
    const configPath = join(dir, 'gateway.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        storeDir: store,
        dns: ['127.0.0.1:1'],
        tls: { enabled: false },
        relay: { host: '127.0.0.1', port: sink.port, starttls: 'never' },
        layers: {
          'recipient-lookup': { directory: { users: ['alice@lab.test', 'bob@lab.test'] }, tarpitSeconds: 0 },
          'connection-filter': { providers: [] },
        },
      }),
    );
    const traceFile = join(dir, 'strace.txt');
    const g = (gw = await spawnTracedGateway(configPath, traceFile, 'write,writev,pwrite64,pwritev,sendto,sendmsg,fsync,fdatasync,rename,renameat,renameat2,link,linkat'));

    // Two sessions of reused connections; some messages to two recipients (two folders each).
    const sent: string[] = [];
    await Promise.all(
      [0, 1].map(async (s) => {
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: g.port, pool: true, maxConnections: 1, ignoreTLS: true });
        try {
          for (let i = 0; i < 8; i++) {
            const to = i % 3 === 0 ? ['alice@lab.test', 'bob@lab.test'] : ['alice@lab.test'];
            const info = await transport.sendMail({ from: 'carol@lab.test', to, subject: `m${s}-${i}`, text: `power-loss marker ${s}-${i}` });
            sent.push(/queued as (\S+)/.exec(info.response)![1]);
          }
        } finally {
          transport.close();
        }
      }),
    );
    await g.stop();

    const calls = parseTrace(readFileSync(traceFile, 'utf8'));
    const acks = new Map<string, Call>();
    for (const c of calls) {
      if (!/^(write|writev|sendto|sendmsg)$/.test(c.name) || !fdPath(c).startsWith('TCP:')) continue;
      const m = /250 2\.0\.0 [^"]*queued as ([A-Za-z0-9-]+)/.exec(c.args);
      if (m) acks.set(m[1], c);
    }
    expect([...acks.keys()].sort()).toEqual([...sent].sort());
    expect(sent).toHaveLength(16);

    const problems: string[] = [];
    const before = (id: string, what: string, found: Call | undefined, ack: Call, after = -Infinity): Call | undefined => {
      if (!found) problems.push(`${id}: no ${what}`);
      else if (found.end > ack.start) problems.push(`${id}: ${what} ends after the 250 is written`);
      else if (found.start < after) problems.push(`${id}: ${what} starts before the step it must follow`);
      return found;
    };
    for (const [id, ack] of acks) {
      const renames = calls.filter((c) => /^rename/.test(c.name) && c.args.includes(`/.${id}.tmp"`) && c.args.includes(`/${id}.eml"`));
      const folders = renames.map((r) => /"([^"]+)\/\.[^/"]+\.tmp"/.exec(r.args)![1]);
      if (!folders.length) problems.push(`${id}: never renamed into a folder`);
      for (const folder of folders) {
        const tmp = `${folder}/.${id}.tmp`;
        const writes = calls.filter((c) => /^(write|writev|pwrite64|pwritev)$/.test(c.name) && fdPath(c) === tmp);
        const sync = before(id, `fsync of ${tmp}`, calls.find((c) => /^f(data)?sync$/.test(c.name) && fdPath(c) === tmp), ack, Math.max(...writes.map((w) => w.end)));
        if (!writes.length) problems.push(`${id}: no data written to ${tmp}`);
        const rename = before(id, `rename into ${folder}`, renames.find((r) => r.args.startsWith(`"${tmp}"`)), ack, sync?.end);
        before(id, `fsync of the folder ${folder} after the rename`, calls.find((c) => /^f(data)?sync$/.test(c.name) && fdPath(c) === folder && rename && c.start >= rename.end), ack, rename?.end);
      }
      // The relay queue's entry: the message linked in, the entry JSON written the same way.
      const link = before(id, 'link into the relay queue', calls.find((c) => /^link/.test(c.name) && c.args.includes(`/messages/${id}.eml"`)), ack);
      const messagesDir = link ? /"([^"]*\/messages)\/[^/"]+"$/.exec(link.args)?.[1] ?? '' : '';
      before(id, 'fsync of the relay messages folder', calls.find((c) => /^f(data)?sync$/.test(c.name) && fdPath(c) === messagesDir && link && c.start >= link.end), ack, link?.end);
      const entryTmp = calls.find((c) => /^f(data)?sync$/.test(c.name) && new RegExp(`/pending/\\.${id}\\.json\\.[0-9a-f]+\\.tmp$`).test(fdPath(c)));
      before(id, 'fsync of the relay entry', entryTmp, ack);
      const entryRename = before(id, 'rename of the relay entry', calls.find((c) => /^rename/.test(c.name) && c.args.includes(`/pending/${id}.json"`)), ack, entryTmp?.end);
      const pendingDir = entryTmp ? fdPath(entryTmp).replace(/\/[^/]+$/, '') : '';
      before(id, 'fsync of the relay pending folder', calls.find((c) => /^f(data)?sync$/.test(c.name) && fdPath(c) === pendingDir && entryRename && c.start >= entryRename.end), ack, entryRename?.end);
    }
    expect(problems).toEqual([]);
    // Two-recipient messages were stored in both folders (each proven above).
    const twoFolders = [...acks.keys()].filter((id) => calls.filter((c) => /^rename/.test(c.name) && c.args.includes(`/${id}.eml"`)).length === 2);
    expect(twoFolders).toHaveLength(6);
  });
});
