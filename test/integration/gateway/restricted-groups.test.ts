// The restricted-groups layer in a real gateway, driven by swaks and Python's smtplib: outside
// senders get 550 5.7.1 for a restricted group, internal ones reach it, open groups stay open.
// The groups come from the top-level directory, shared with recipient lookup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import type { Decision } from '../../../main/gateway/session.js';
import { createResolver } from '../../../main/net/resolver.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';
import { smtplibSend, storedMessage, swaks, swaksAvailable } from '../../support/smtp-clients.js';

const groups = {
  'all-staff@lab.test': { members: ['alice@lab.test', 'bob@lab.test'], restricted: true },
  'team@lab.test': { members: ['alice@lab.test'] },
};
const store = mkdtempSync(join(tmpdir(), 'mxaudit-restricted-'));
let dns: LabDnsServer;
let gw: Gateway;
const decisions: Decision[] = [];

beforeAll(async () => {
  dns = await startLabDns({}); // no layer here asks DNS; any question would go to the lab
  gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      xclientPeers: ['127.0.0.1'],
      order: ['sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup', 'restricted-groups'],
      // One directory for both layers (config.ts hands it to each).
      directory: { users: ['alice@lab.test', 'bob@lab.test'], groups },
      layers: { 'recipient-lookup': { tarpitSeconds: 0 } },
    },
    { resolver: createResolver([dns.server]) },
  );
  gw.events.on('decision', (_s, d) => decisions.push(d));
});
afterAll(async () => {
  await gw?.stop();
  await dns?.stop();
  rmSync(store, { recursive: true, force: true });
});

const REFUSED = '550 5.7.1 <all-staff@lab.test>: Restricted distribution group, only internal or authenticated senders';

(swaksAvailable ? describe : describe.skip)('restricted-groups with swaks', () => {
  const send = (...args: string[]) => swaks(gw.port, ...args);

  it('an outside sender gets 550 5.7.1 for a restricted group, in the trace', async () => {
    const out = await send('--xclient-addr', '192.0.2.30', '--from', 'x@example.org', '--to', 'all-staff@lab.test', '--quit-after', 'RCPT');
    expect(out).toContain(`<** ${REFUSED}\n`);
    expect(decisions.filter((d) => d.subject === 'all-staff@lab.test').at(-1)).toEqual({
      phase: 'rcpt',
      layer: 'restricted-groups',
      action: 'reject',
      reason: 'restricted group <all-staff@lab.test> from an outside, unauthenticated sender (192.0.2.30)',
      reply: REFUSED,
      ms: expect.any(Number),
      subject: 'all-staff@lab.test',
    });
  });

  it('the address is matched without regard to case', async () => {
    const out = await send('--xclient-addr', '192.0.2.30', '--from', 'x@example.org', '--to', 'All-Staff@LAB.test', '--quit-after', 'RCPT');
    expect(out).toContain('<** 550 5.7.1 <All-Staff@LAB.test>: Restricted distribution group, only internal or authenticated senders\n');
  });

  it('an unrestricted group takes mail from outside', async () => {
    const out = await send('--xclient-addr', '192.0.2.30', '--from', 'x@example.org', '--to', 'team@lab.test', '--body', 'marker-team');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted: queued as /);
    expect(storedMessage(store, 'team@lab.test', 'marker-team')).toContain('marker-team');
  });

  it('an internal sender reaches the restricted group', async () => {
    const out = await send('--from', 'alice@lab.test', '--to', 'all-staff@lab.test', '--body', 'marker-internal');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted: queued as /);
    expect(storedMessage(store, 'all-staff@lab.test', 'marker-internal')).toMatch(/^Received: from client\.example \(\[127\.0\.0\.1\]\)/);
  });
});

describe('restricted-groups with Python smtplib', () => {
  it('from outside: the group is refused, the other recipient of the same mail is delivered', async () => {
    const message = 'From: x@example.org\r\nTo: all-staff@lab.test, alice@lab.test\r\nSubject: hi\r\n\r\nmarker-py-outside\r\n';
    const [out] = await smtplibSend(gw.port, [{ from: 'x@example.org', to: ['all-staff@lab.test', 'alice@lab.test'], message }], '192.0.2.31');
    expect(out).toEqual({ refused: { 'all-staff@lab.test': [550, REFUSED.slice(4)] } });
    expect(storedMessage(store, 'alice@lab.test', 'marker-py-outside')).toMatch(/^Received: from client\.example \(\[192\.0\.2\.31\]\)/);
  });

  it('from an internal client: the group gets the mail', async () => {
    const message = 'From: bob@lab.test\r\nTo: all-staff@lab.test\r\nSubject: hi\r\n\r\nmarker-py-internal\r\n';
    expect(await smtplibSend(gw.port, [{ from: 'bob@lab.test', to: ['all-staff@lab.test'], message }])).toEqual([{ refused: {} }]);
    expect(storedMessage(store, 'all-staff@lab.test', 'marker-py-internal')).toContain('marker-py-internal');
  });
});
