// Power-loss durability, proven on the system calls: the gateway (the CLI, a child process)
// runs under strace, and for every message answered "250 ... queued as ID" the trace must show,
// before that 250 is written to the socket: the message's bytes written to its temporary file,
// that file fsynced, renamed to ID.eml, and the folder fsynced (so the new name survives a power
// cut), for every recipient; with a smart-host relay also the queue entry written the same way.
// kill -9 tests (no-loss.test.ts) cannot tell a page-cache write from a durable one; this can.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';

const STRACE = '/usr/bin/strace';
const bin = resolve(import.meta.dirname, '../../../main/cli/bin.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mxaudit-powerloss-'));
let child: ChildProcess | null = null;
let sink: SmtpSink | null = null;
/** The gateway is strace's child: signal it, not strace (which would detach and leave it running). */
const tracee = () => Number(readFileSync(`/proc/${child!.pid}/task/${child!.pid}/children`, 'utf8').trim().split(/\s+/)[0]);

async function stopTraced(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child!.once('exit', r));
  try {
    process.kill(tracee(), signal);
  } catch {
    child.kill('SIGKILL');
  }
  await exited;
}

afterAll(async () => {
  await stopTraced('SIGKILL');
  await sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Call {
  pid: number;
  start: number;
  end: number;
  name: string;
  args: string;
}

/** strace -f -ttt -T -yy lines as calls with start and end times, unfinished/resumed pairs joined. */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<number, { start: number; head: string }>();
  for (const line of text.split('\n')) {
    const m = /^(\d+) +(\d+\.\d+) (.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const ts = Number(m[2]);
    let body = m[3];
    let start = ts;
    if (body.endsWith('<unfinished ...>')) {
      open.set(pid, { start: ts, head: body.slice(0, -'<unfinished ...>'.length).trimEnd() });
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      const o = open.get(pid);
      if (!o) continue;
      open.delete(pid);
      start = o.start;
      body = o.head + resumed[2];
    }
    const call = /^(\w+)\((.*)\) += (-?\d+)[^<]*<(\d+\.\d+)>$/.exec(body);
    if (!call || Number(call[3]) < 0) continue;
    calls.push({ pid, start, end: start + Number(call[4]), name: call[1], args: call[2] });
  }
  return calls;
}

/** The path strace -yy shows for the first argument's file descriptor. */
const fdPath = (c: Call) => /^\d+<(.*?)>/.exec(c.args)?.[1] ?? '';

function spawnTraced(configPath: string, traceFile: string): Promise<{ port: number; stderr: () => string }> {
  const calls = 'trace=write,writev,pwrite64,pwritev,sendto,sendmsg,fsync,fdatasync,rename,renameat,renameat2,link,linkat';
  child = spawn(STRACE, ['-f', '-ttt', '-T', '-yy', '-s', '200', '-e', calls, '-o', traceFile, process.execPath, bin, 'gateway', '--config', configPath, '--listen', '127.0.0.1:0', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((ok, fail) => {
    child!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on [^ ]+:(\d+) /.exec(err);
      if (m) ok({ port: Number(m[1]), stderr: () => err });
    });
    child!.once('exit', (code) => fail(new Error(`gateway exited (${code}) before listening: ${err}`)));
    setTimeout(() => fail(new Error(`gateway not listening after 30 s: ${err}`)), 30_000).unref();
  });
}

(existsSync(STRACE) ? describe : describe.skip)('power-loss durability (strace on the gateway process)', () => {
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
    const gw = await spawnTraced(configPath, traceFile);

    // Two sessions of reused connections; some messages to two recipients (two folders each).
    const sent: string[] = [];
    await Promise.all(
      [0, 1].map(async (s) => {
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.port, pool: true, maxConnections: 1, ignoreTLS: true });
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
    await stopTraced();

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
      const entryTmp = calls.find((c) => /^f(data)?sync$/.test(c.name) && fdPath(c).endsWith(`/pending/.${id}.json.tmp`));
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
