// Smart-host relay wiring: with `relay` configured, every accepted message is handed to the
// persistent queue (storeDir/.relay-queue) before its 250 and reaches the smart host with its
// envelope; quarantined mail stays in the store. The smart host is a real SMTP server
// (smtp-server) on loopback recording what it receives; the client is swaks. The queue itself
// (relay/relay-queue.ts, retries, crash recovery) has its own tests.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import { createResolver } from '../../../main/net/resolver.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';
import { swaks } from '../../support/smtp-clients.js';

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-relay-'));
interface Received {
  from: string;
  to: string[];
  data: string;
}

describe.skipIf(!existsSync('/usr/bin/swaks'))('relay to a smart host', () => {
  const received: Received[] = [];
  let smartHost: SMTPServer;
  let port = 0;
  let dns: LabDnsServer;
  let gw: Gateway;
  beforeAll(async () => {
    smartHost = new SMTPServer({
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    smartHost.on('error', () => {});
    await new Promise<void>((r) => smartHost.listen(0, '127.0.0.1', () => r()));
    port = (smartHost.server.address() as { port: number }).port;
    dns = await startLabDns({});
    gw = await startGateway(
      {
        listen: { host: '127.0.0.1', port: 0 },
        storeDir: join(dir, 'store'),
        tls: { enabled: false },
        order: ['sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup', 'antivirus'],
        directory: { users: ['alice@lab.test', 'bob@lab.test'] },
        layers: { antivirus: { action: 'quarantine' } },
        relay: { host: '127.0.0.1', port },
      },
      { resolver: createResolver([dns.server]) },
    );
  });
  afterAll(async () => {
    await gw?.stop(1000);
    await new Promise<void>((r) => (smartHost ? smartHost.close(() => r()) : r()));
    await dns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (ok: () => boolean, ms = 20_000) => {
    for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() - t0 > ms) throw new Error('timed out');
  };

  it('an accepted message reaches the smart host as stored, with its envelope', async () => {
    const out = await swaks(gw.port, '--from', 'x@example.org', '--to', 'alice@lab.test,bob@lab.test', '--body', 'marker-relay');
    const id = /250 2\.0\.0 Message accepted: queued as (\S+)/.exec(out)?.[1];
    expect(id, out).toBeTruthy();
    await until(() => received.some((r) => r.data.includes('marker-relay')));
    const got = received.find((r) => r.data.includes('marker-relay'))!;
    expect(got.from).toBe('x@example.org');
    expect(got.to.sort()).toEqual(['alice@lab.test', 'bob@lab.test']);
    const stored = readFileSync(join(dir, 'store', 'inbox', 'alice@lab.test', `${id}.eml`), 'utf8');
    expect(got.data.replace(/\r\n$/, '')).toBe(stored.replace(/\r\n$/, ''));
    expect(existsSync(join(dir, 'store', '.relay-queue'))).toBe(true);
  });

  it('quarantined mail is not relayed', async () => {
    const eicar = String.raw`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`;
    const out = await swaks(gw.port, '--from', 'x@example.org', '--to', 'alice@lab.test', '--body', `marker-virus\n${eicar}`);
    expect(out).toMatch(/<- +250 /);
    await until(() => existsSync(join(dir, 'store', 'quarantine', 'alice@lab.test')) && readdirSync(join(dir, 'store', 'quarantine', 'alice@lab.test')).some((f) => f.endsWith('.eml')));
    await new Promise((r) => setTimeout(r, 1000));
    expect(received.some((r) => r.data.includes('marker-virus'))).toBe(false);
  });
});
