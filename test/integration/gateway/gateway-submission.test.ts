// The optional submission listener: AUTH only inside TLS, nothing accepted before STARTTLS,
// authenticated sessions may relay; and our own submission and ehlo checks pass on it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { runProbe } from '../../../main/probe/engine.js';
import { probeOptions } from '../../../main/probe/default-options.js';

const swaksAvailable = existsSync('/usr/bin/swaks');
const store = mkdtempSync(join(tmpdir(), 'mxaudit-gwsub-'));
const resolver = createResolver(['127.0.0.1:1']);
// The submission check applies to port 587 only: a loopback address of our own avoids clashes.
const subHost = `127.0.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;
let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      // Nobody is internal here: relaying must come from authentication alone.
      internalNetworks: [],
      submission: { listen: { host: subHost, port: 587 }, users: [{ username: 'alice', password: 's3cret-pw' }] },
      layers: { 'recipient-lookup': { directory: { users: ['alice@lab.test'] }, tarpitSeconds: 0 } },
    },
    { resolver },
  );
}, 60_000);
afterAll(() => gw.stop(100));

async function swaks(...args: string[]): Promise<string> {
  const r = await promisify(execFile)('swaks', ['--server', `${subHost}:587`, '--helo', 'client.example', '--timeout', '20', ...args]).catch((e: { stdout: string }) => e);
  return r.stdout;
}

/** Raw dialogue in clear text: the replies to each command in turn. */
async function clearText(commands: string[]): Promise<string[]> {
  const sock = net.connect(587, subHost);
  const replies: string[] = [];
  let buf = '';
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        buf += d.toString();
        const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buf);
        if (!m) return;
        const end = buf.indexOf('\r\n', m.index + (m.index ? 2 : 0)) + 2;
        const reply = buf.slice(0, end);
        buf = buf.slice(end);
        sock.off('data', onData);
        resolve(reply);
      };
      sock.on('data', onData);
      sock.once('error', reject);
    });
  replies.push(await next());
  for (const c of commands) {
    sock.write(`${c}\r\n`);
    replies.push(await next());
  }
  sock.destroy();
  return replies;
}

describe('gateway submission listener', () => {
  it('listens where configured, next to the MX listener', () => {
    expect(gw.submission).toEqual({ host: subHost, port: 587 });
  });

  it('offers STARTTLS but no AUTH before TLS, refuses AUTH and MAIL in clear text', async () => {
    const [banner, ehlo, auth, mail] = await clearText(['EHLO client.example', 'AUTH PLAIN AGFsaWNlAHMzY3JldC1wdw==', 'MAIL FROM:<alice@lab.test>']);
    expect(banner).toMatch(/^220 /);
    expect(ehlo).toMatch(/^250-STARTTLS\r$/m);
    expect(ehlo).not.toMatch(/AUTH/);
    expect(auth).toMatch(/^(500|502|503|530|538) /);
    expect(mail).toMatch(/^530 5\.7\.0 Must issue a STARTTLS command first/);
  });

  it.skipIf(!swaksAvailable)('swaks --tls with the right password submits and may relay to a foreign domain', async () => {
    const out = await swaks('--tls', '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 's3cret-pw', '--from', 'alice@lab.test', '--to', 'friend@example.com');
    expect(out).toMatch(/<~ +250-AUTH PLAIN LOGIN/);
    expect(out).toMatch(/<~ +235 /);
    expect(out).toMatch(/<~ +250 2\.0\.0 Message accepted: queued as \S+/);
  });

  it.skipIf(!swaksAvailable)('AUTH LOGIN works too; a wrong password gets 535 and nothing is accepted', async () => {
    expect(await swaks('--tls', '--auth', 'LOGIN', '--auth-user', 'alice', '--auth-password', 's3cret-pw', '--from', 'alice@lab.test', '--to', 'friend@example.com', '--quit-after', 'RCPT')).toMatch(/<~ +250 /);
    const bad = await swaks('--tls', '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'guess', '--from', 'alice@lab.test', '--to', 'friend@example.com');
    expect(bad).toMatch(/<~\* +535 /);
    expect(bad).not.toMatch(/queued as/);
  });

  it.skipIf(!swaksAvailable)('inside TLS but without AUTH, MAIL is refused with 530', async () => {
    const out = await swaks('--tls', '--from', 'alice@lab.test', '--to', 'friend@example.com', '--quit-after', 'RCPT');
    expect(out).toMatch(/<~\* +530 /);
  });

  it('the MX listener still offers no AUTH at all', async () => {
    const a = await runProbe({ targets: [{ host: 'mx.lab.test', port: gw.port, address: '127.0.0.1' }], domain: null, checks: ['ehlo'], options: probeOptions({ ca: gw.tls!.cert }), resolver });
    expect(a.facts.ehlo?.auth).toEqual([]);
    expect(a.facts.ehloAfterTls?.auth).toEqual([]);
  });

  it('passes our own submission and ehlo checks on 587', async () => {
    const a = await runProbe({
      targets: [{ host: 'mx.lab.test', port: 587, address: subHost }],
      domain: null,
      checks: ['ehlo', 'submission'],
      // The submission check sends MAIL FROM: an active check, authorized for our own gateway.
      options: probeOptions({ authorized: true, ca: gw.tls!.cert }),
      resolver,
    });
    expect(a.checks.map((c) => [c.id, c.status])).toEqual([
      ['ehlo', 'pass'],
      ['submission', 'pass'],
    ]);
    expect(a.findings.map((f) => f.id)).toEqual([]);
    expect(a.facts.ehlo).toMatchObject({ starttls: true, auth: [] });
    expect(a.facts.ehloAfterTls?.auth).toEqual(['PLAIN', 'LOGIN']);
  }, 60_000);
});
