// Parse once, proven on the system calls: with the spam filter, attachment blocking and the
// built-in anti-virus all on, each spooled message is opened for reading twice in the gateway
// process (strace): once for the MIME walk the three layers share, once for the store copy.
// Small mail the core keeps in memory never touches the spool at all (no file unless a layer
// needs one, as attachment stripping does).
// Before the shared walk it was four (three walks and the store). Stripping an attachment reads
// the file to rewrite it and the rewritten file is walked afresh (later layers judge what will
// be stored): four.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace, spawnTracedGateway, straceAvailable, type TracedGateway } from '../../support/strace-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-content-reads-'));
let gw: TracedGateway | null = null;
afterAll(async () => {
  await gw?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

(straceAvailable ? describe : describe.skip)('content layers read the spool once (strace on the gateway process)', () => {
  it('two read opens per spooled message: the shared walk and the store; none for small mail; more when an attachment is stripped', { timeout: 60_000 }, async () => {
    const configPath = join(dir, 'gateway.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        storeDir: join(dir, 'store'),
        dns: ['127.0.0.1:1'],
        tls: { enabled: false },
        // Loopback counts as outside: the spam filter runs too (internal mail gets SCL -1 unscanned).
        internalNetworks: [],
        layers: {
          'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 },
          'connection-filter': { providers: [] },
          'attachment-blocking': { action: 'strip' },
        },
      }),
    );
    const traceFile = join(dir, 'strace.txt');
    const g = (gw = await spawnTracedGateway(configPath, traceFile, 'openat,rename'));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: g.port, ignoreTLS: true });
    const mail = { from: 'friend@example.org', to: 'alice@lab.test', date: new Date() };
    try {
      await transport.sendMail({ ...mail, subject: 'plain', text: 'a plain message https://example.org/' });
      await transport.sendMail({ ...mail, subject: 'report', text: 'see attached', attachments: [{ filename: 'report.pdf', content: Buffer.alloc(300_000, 1) }] });
      await transport.sendMail({ ...mail, subject: 'notes', text: 'notes attached', attachments: [{ filename: 'notes.txt', content: 'notes' }] });
      await transport.sendMail({ ...mail, subject: 'tool', text: 'stripped', attachments: [{ filename: 'setup.exe', content: 'MZ tool' }] });
    } finally {
      transport.close();
    }
    await g.stop();

    const calls = parseTrace(readFileSync(traceFile, 'utf8'));
    const spoolPath = (p: string) => /\/\.spool\/[^/]+\.eml$/.test(p);
    /** Read-only opens per spool file, in order of first use. */
    const reads = new Map<string, number>();
    for (const c of calls) {
      if (c.name !== 'openat') continue;
      const path = /^[^,]+, "([^"]+)"/.exec(c.args)?.[1] ?? '';
      if (!spoolPath(path)) continue;
      const readOnly = /O_RDONLY/.test(c.args) && !/O_WRONLY|O_RDWR|O_CREAT/.test(c.args);
      if (!reads.has(path)) reads.set(path, 0);
      if (readOnly) reads.set(path, reads.get(path)! + 1);
    }
    // The stripped message was swapped in by a rename over its spool path.
    const stripped = calls.filter((c) => c.name === 'rename' && /\.stripped", "/.test(c.args)).map((c) => /", "([^"]+)"$/.exec(c.args)![1]);
    expect(stripped).toHaveLength(1);
    const counts = [...reads.entries()].map(([path, n]) => (stripped.includes(path) ? `stripped:${n}` : n));
    // The plain message and the one with notes.txt: walked and stored from memory, no spool file.
    // The 300 KB message is read from disk by both (the core keeps no such message in memory).
    // The executable's message is written to the spool for the stripping, which rewrites it.
    expect(counts).toHaveLength(2);
    expect(counts[0]).toBe(2);
    expect(['stripped:1', 'stripped:2', 'stripped:3', 'stripped:4']).toContain(counts[1]);
  });
});
