/**
 * Proves test/support/postfix.ts starts real, isolated Postfix instances with
 * the promised baseline and options, and cleans them up.
 * Needs root + the postfix, sasl2-bin, libsasl2-modules and openssl packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postfixAvailable, startPostfix, type PostfixInstance } from '../../support/postfix';

const available = postfixAvailable();
const required = process.env.MXAUDIT_REQUIRE_POSTFIX === '1';
if (!available && !required) {
  console.warn('[postfix-harness] skipped: needs root, /usr/sbin/postfix and /usr/lib/postfix/sbin/master (set MXAUDIT_REQUIRE_POSTFIX=1 to fail instead)');
}

// ---------------------------------------------------------------------------
// Minimal SMTP client: just enough to read replies and drive STARTTLS.

interface Reply {
  code: number;
  lines: string[];
}

class Smtp {
  private buf = '';
  private replies: Reply[] = [];
  private waiters: ((r: Reply) => void)[] = [];
  private pending: string[] = [];

  private constructor(private sock: net.Socket | tls.TLSSocket) {
    this.attach(sock);
  }

  static async connect(port: number): Promise<{ smtp: Smtp; banner: Reply }> {
    const sock = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((ok, fail) => sock.once('connect', ok).once('error', fail));
    const smtp = new Smtp(sock);
    return { smtp, banner: await smtp.next() };
  }

  private attach(sock: net.Socket | tls.TLSSocket): void {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let eol: number;
      while ((eol = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, eol);
        this.buf = this.buf.slice(eol + 2);
        this.pending.push(line);
        if (line[3] !== '-') {
          this.push({ code: Number(line.slice(0, 3)), lines: this.pending.map((l) => l.slice(4)) });
          this.pending = [];
        }
      }
    });
  }

  private push(r: Reply): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(r);
    else this.replies.push(r);
  }

  next(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('SMTP reply timeout')), 5000);
      this.waiters.push((reply) => {
        clearTimeout(timer);
        ok(reply);
      });
    });
  }

  cmd(line: string): Promise<Reply> {
    this.sock.write(`${line}\r\n`);
    return this.next();
  }

  /** STARTTLS, then the TLS handshake on the same socket (self-signed cert: no verification). */
  async starttls(servername: string): Promise<tls.TLSSocket> {
    const r = await this.cmd('STARTTLS');
    expect(r.code).toBe(220);
    const plain = this.sock;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, servername, rejectUnauthorized: false });
    await new Promise<void>((ok, fail) => secure.once('secureConnect', ok).once('error', fail));
    this.sock = secure;
    this.attach(secure);
    return secure;
  }

  async quit(): Promise<void> {
    await this.cmd('QUIT').catch(() => undefined);
    this.sock.destroy();
  }
}

/** Open a session, EHLO, and hand back the EHLO keywords. */
async function session(pf: PostfixInstance): Promise<{ smtp: Smtp; banner: Reply; ehlo: string[] }> {
  const { smtp, banner } = await Smtp.connect(pf.port);
  const ehlo = await smtp.cmd('EHLO client.example');
  expect(ehlo.code).toBe(250);
  return { smtp, banner, ehlo: ehlo.lines.slice(1) };
}

async function rcptCode(pf: PostfixInstance, rcpt: string): Promise<Reply> {
  const { smtp } = await session(pf);
  expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250);
  const r = await smtp.cmd(`RCPT TO:<${rcpt}>`);
  await smtp.quit();
  return r;
}

function masterRunning(dir: string): boolean {
  return spawnSync('pgrep', ['-f', `master -c ${dir}/etc`]).status === 0;
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      done(false);
    });
    sock.once('error', () => done(true));
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

// ---------------------------------------------------------------------------

describe.skipIf(!available && !required)('postfix test harness', () => {
  it('is available (MXAUDIT_REQUIRE_POSTFIX=1 demands it)', () => {
    expect(available).toBe(true);
  });

  describe('closed default instance', () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      const t0 = Date.now();
      pf = await startPostfix();
      console.info(`[postfix-harness] default start: ${Date.now() - t0} ms`);
    }, 30_000);
    afterAll(() => pf?.stop());

    it('greets with a product-less banner and offers neither STARTTLS nor AUTH', async () => {
      const { smtp, banner, ehlo } = await session(pf);
      expect(banner.code).toBe(220);
      expect(banner.lines[0]).toBe('mx.lab.test ESMTP');
      expect(ehlo).toContain('SIZE 10485760');
      expect(ehlo.some((k) => /^(STARTTLS|AUTH)/.test(k))).toBe(false);
      await smtp.quit();
    });

    it('accepts known local recipients, rejects unknown ones and relaying', async () => {
      expect(pf).toMatchObject({ host: '127.0.0.1', domain: 'lab.test', hostname: 'mx.lab.test' });
      expect((await rcptCode(pf, 'alice@lab.test')).code).toBe(250);
      const unknown = await rcptCode(pf, 'unknown@lab.test');
      expect(unknown.code).toBe(550);
      expect(unknown.lines[0]).toMatch(/^5\.1\.1 /);
      const relay = await rcptCode(pf, 'x@example.com');
      expect([454, 554]).toContain(relay.code);
      expect(relay.lines[0]).toMatch(/Relay access denied/);
    });

    it('disables VRFY', async () => {
      const { smtp } = await session(pf);
      expect((await smtp.cmd('VRFY alice')).code).toBe(502);
      await smtp.quit();
    });

    it('accepts DATA and delivers it to the discard transport only', async () => {
      const { smtp } = await session(pf);
      expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250);
      expect((await smtp.cmd('RCPT TO:<bob@lab.test>')).code).toBe(250);
      expect((await smtp.cmd('DATA')).code).toBe(354);
      const queued = await smtp.cmd('Subject: harness\r\n\r\nhello\r\n.');
      expect(queued.code).toBe(250);
      await smtp.quit();
      const queueId = /queued as (\w+)/.exec(queued.lines[0])?.[1];
      expect(queueId).toBeTruthy();
      const log = join(pf.dir, 'maillog');
      const delivered = await waitFor(
        () => readFileSync(log, 'utf8').includes(`postfix/discard`) && readFileSync(log, 'utf8').includes(`${queueId}: removed`),
        5000,
      );
      expect(delivered).toBe(true);
      expect(readFileSync(log, 'utf8')).not.toMatch(/postfix\/(smtp|local|lmtp)\[/);
    });
  });

  describe('main.cf overrides', () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      pf = await startPostfix({ main: { mynetworks: '127.0.0.0/8', disable_vrfy_command: 'no' } });
    }, 30_000);
    afterAll(() => pf?.stop());

    it('can turn the instance into an open relay', async () => {
      expect((await rcptCode(pf, 'x@example.com')).code).toBe(250);
    });

    it('can re-enable VRFY', async () => {
      const { smtp } = await session(pf);
      expect((await smtp.cmd('VRFY alice')).code).toBe(252);
      await smtp.quit();
    });
  });

  describe("tls: 'may'", () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      const t0 = Date.now();
      pf = await startPostfix({ tls: 'may' });
      console.info(`[postfix-harness] tls start (incl. RSA keygen): ${Date.now() - t0} ms`);
    }, 30_000);
    afterAll(() => pf?.stop());

    it('offers STARTTLS with a self-signed cert for the hostname', async () => {
      const { smtp, ehlo } = await session(pf);
      expect(ehlo).toContain('STARTTLS');
      expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250); // optional TLS
      expect((await smtp.cmd('RSET')).code).toBe(250);
      const secure = await smtp.starttls(pf.hostname);
      const cert = secure.getPeerCertificate();
      expect(cert.subject.CN).toBe('mx.lab.test');
      expect(cert.subjectaltname).toBe('DNS:mx.lab.test');
      expect(cert.issuer.CN).toBe('mx.lab.test');
      const ehlo2 = await smtp.cmd('EHLO client.example');
      expect(ehlo2.code).toBe(250);
      expect(ehlo2.lines).not.toContain('STARTTLS');
      expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250);
      expect((await smtp.cmd('RCPT TO:<alice@lab.test>')).code).toBe(250);
      await smtp.quit();
    });
  });

  describe("tls: 'encrypt'", () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      pf = await startPostfix({ tls: 'encrypt' });
    }, 30_000);
    afterAll(() => pf?.stop());

    it('refuses MAIL before STARTTLS with 530 and accepts it after', async () => {
      const { smtp, ehlo } = await session(pf);
      expect(ehlo).toContain('STARTTLS');
      const early = await smtp.cmd('MAIL FROM:<sender@client.example>');
      expect(early.code).toBe(530);
      await smtp.starttls(pf.hostname);
      expect((await smtp.cmd('EHLO client.example')).code).toBe(250);
      expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250);
      await smtp.quit();
    });
  });

  describe('auth', () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      pf = await startPostfix({ auth: true });
    }, 30_000);
    afterAll(() => pf?.stop());

    it('offers AUTH PLAIN LOGIN in cleartext', async () => {
      const { smtp, ehlo } = await session(pf);
      expect(ehlo).toContain('AUTH PLAIN LOGIN');
      expect(ehlo).not.toContain('STARTTLS');
      await smtp.quit();
    });

    it('authenticates the created user (PLAIN and LOGIN), rejects a wrong password', async () => {
      const creds = pf.sasl;
      expect(creds).toBeDefined();
      if (!creds) return;
      const b64 = (s: string) => Buffer.from(s).toString('base64');

      const bad = await session(pf);
      expect((await bad.smtp.cmd(`AUTH PLAIN ${b64(`\0${creds.username}\0wrong`)}`)).code).toBe(535);
      await bad.smtp.quit();

      const login = await session(pf);
      expect((await login.smtp.cmd('AUTH LOGIN')).code).toBe(334);
      expect((await login.smtp.cmd(b64(creds.username.split('@')[0]))).code).toBe(334); // bare user name, realm = domain
      expect((await login.smtp.cmd(b64(creds.password))).code).toBe(235);
      await login.smtp.quit();

      const { smtp } = await session(pf);
      expect((await smtp.cmd(`AUTH PLAIN ${b64(`\0${creds.username}\0${creds.password}`)}`)).code).toBe(235);
      // permit_sasl_authenticated: authenticated clients may relay.
      expect((await smtp.cmd('MAIL FROM:<sender@client.example>')).code).toBe(250);
      expect((await smtp.cmd('RCPT TO:<x@example.com>')).code).toBe(250);
      await smtp.quit();
    });
  });

  describe('recipients: null', () => {
    let pf: PostfixInstance;
    beforeAll(async () => {
      pf = await startPostfix({ recipients: null });
    }, 30_000);
    afterAll(() => pf?.stop());

    it('accepts any local recipient but still refuses relaying', async () => {
      expect((await rcptCode(pf, 'nobody-in-particular@lab.test')).code).toBe(250);
      expect((await rcptCode(pf, 'x@example.com')).code).toBe(554);
    });
  });

  describe('several instances and shutdown', () => {
    it('runs two independent instances at once and stops them without leftovers', async () => {
      const t0 = Date.now();
      const [a, b] = await Promise.all([
        startPostfix(),
        startPostfix({ domain: 'other.test', hostname: 'smtp.other.test', recipients: ['carol'] }),
      ]);
      console.info(`[postfix-harness] two parallel starts: ${Date.now() - t0} ms`);
      try {
        expect(a.port).not.toBe(b.port);
        expect(a.dir).not.toBe(b.dir);
        const bannerB = await session(b);
        expect(bannerB.banner.lines[0]).toBe('smtp.other.test ESMTP');
        await bannerB.smtp.quit();
        expect((await rcptCode(a, 'alice@lab.test')).code).toBe(250);
        expect((await rcptCode(b, 'carol@other.test')).code).toBe(250);
        expect((await rcptCode(b, 'alice@other.test')).code).toBe(550);
        expect(masterRunning(a.dir)).toBe(true);
        expect(masterRunning(b.dir)).toBe(true);

        const t1 = Date.now();
        await a.stop();
        console.info(`[postfix-harness] stop: ${Date.now() - t1} ms`);
        expect(masterRunning(a.dir)).toBe(false);
        expect(existsSync(a.dir)).toBe(false);
        // b is unaffected by a's shutdown.
        expect((await rcptCode(b, 'carol@other.test')).code).toBe(250);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      await a.stop(); // idempotent
      expect(masterRunning(b.dir)).toBe(false);
      expect(existsSync(b.dir)).toBe(false);
      expect(await portRefuses(b.port)).toBe(true);
    });

    // Run the harness in a separate node process (transpiled with the project's TypeScript) and end
    // that process without calling stop(): via process.exit and via SIGKILL.
    const here = dirname(fileURLToPath(import.meta.url));
    for (const ending of ['exit', 'SIGKILL'] as const) {
      it(`leaves no master behind when the test process ends by ${ending}`, async () => {
        const work = mkdtempSync(join(tmpdir(), 'mxaudit-harness-child-'));
        try {
          const source = readFileSync(resolve(here, '../../support/postfix.ts'), 'utf8');
          const js = ts.transpileModule(source, {
            compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          }).outputText;
          writeFileSync(join(work, 'postfix.mjs'), js);
          writeFileSync(
            join(work, 'child.mjs'),
            [
              "import { startPostfix } from './postfix.mjs';",
              'const pf = await startPostfix();',
              'console.log(pf.dir);',
              ending === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);',
            ].join('\n'),
          );
          const child = spawn(process.execPath, [join(work, 'child.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
          const dir = await new Promise<string>((ok, fail) => {
            child.stdout.setEncoding('utf8').once('data', (d: string) => ok(d.trim()));
            child.once('exit', (code) => fail(new Error(`child exited early (${code})`)));
          });
          expect(dir).toMatch(/mxaudit-postfix-/);
          if (ending === 'SIGKILL') {
            expect(masterRunning(dir)).toBe(true);
            child.kill('SIGKILL');
          }
          // exit: the synchronous 'exit' hook; SIGKILL: the watchdog (TERM, then KILL after 1 s).
          expect(await waitFor(() => !masterRunning(dir) && !existsSync(dir), 5000)).toBe(true);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }, 30_000);
    }
  });
});
