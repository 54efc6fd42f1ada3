// The sender-auth layer in a real gateway, driven by swaks and Python's smtplib, SPF answered by
// the lab DNS server: exact replies, stored headers in tag mode, the decision trace, the mark.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../main/gateway/server.js';
import type { Decision, GatewaySession } from '../../../main/gateway/session.js';
import { createResolver } from '../../../main/net/resolver.js';
import { startLabDns, type LabDnsServer, type ZoneData } from '../../support/lab-dns.js';
import { headerLines, smtplibSend, storedMessage, swaks, swaksAvailable } from '../../support/smtp-clients.js';

const zones: ZoneData = {
  'pass.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
  'fail.example': { TXT: ['v=spf1 ip4:198.51.100.1 -all exp=why.fail.example'] },
  'why.fail.example': { TXT: ['%{i} is not a mail server of %{d}'] },
  'mta.fail.example': { TXT: ['v=spf1 -all'] },
  'soft.example': { TXT: ['v=spf1 ip4:198.51.100.1 ~all'] },
  'unasked.example': { TXT: ['v=spf1 -all'] },
  // Our domains: lab.test allows only our own network; branch.test takes no stand (?all).
  'lab.test': { TXT: ['v=spf1 ip4:127.0.0.0/8 -all'] },
  'branch.test': { TXT: ['v=spf1 ip4:198.51.100.0/24 ?all'] },
};

const OUTSIDE = '192.0.2.10';
let dns: LabDnsServer;

interface Lab {
  gw: Gateway;
  store: string;
  trace: { s: GatewaySession; d: Decision }[];
}

async function lab(options: Record<string, unknown>): Promise<Lab> {
  const store = mkdtempSync(join(tmpdir(), 'mxaudit-sender-auth-'));
  const gw = await startGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      storeDir: store,
      domains: ['lab.test', 'branch.test'],
      xclientPeers: ['127.0.0.1'],
      order: ['sender-recipient-filter', 'protocol-hygiene', 'recipient-lookup', 'sender-auth'],
      layers: {
        'recipient-lookup': { directory: { users: ['alice@lab.test', 'bob@lab.test'] }, tarpitSeconds: 0 },
        'sender-auth': options,
      },
    },
    { resolver: createResolver([dns.server]) },
  );
  const trace: Lab['trace'] = [];
  gw.events.on('decision', (s, d) => trace.push({ s, d }));
  return { gw, store, trace };
}

/** The decisions of the sessions whose last MAIL FROM was `from`. */
const decisionsFor = (l: Lab, from: string) => l.trace.filter((t) => t.s.mailFrom === from).map((t) => t.d);
const sessionOf = (l: Lab, from: string) => l.trace.find((t) => t.s.mailFrom === from)!.s;

let def: Lab;
let strict: Lab;
beforeAll(async () => {
  dns = await startLabDns(zones);
  def = await lab({});
  strict = await lab({ fail: 'tag', softfail: 'reject', ownDomainFromOutside: 'reject', tagHeader: 'X-Spoof-Check', subjectPrefix: '*** CHECK SENDER *** ' });
});
afterAll(async () => {
  for (const l of [def, strict]) {
    await l?.gw.stop();
    if (l) rmSync(l.store, { recursive: true, force: true });
  }
  await dns?.stop();
});

(swaksAvailable ? describe : describe.skip)('sender-auth with swaks, default actions', () => {
  const send = (...args: string[]) => swaks(def.gw.port, ...args);

  it('SPF pass: accepted, Received-SPF added, no warning, result marked for later layers', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'friend@pass.example', '--to', 'alice@lab.test', '--body', 'marker-pass');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted: queued as /);
    const headers = headerLines(storedMessage(def.store, 'alice@lab.test', 'marker-pass'));
    expect(headers[1]).toBe(
      'Received-SPF: pass (mxaudit: domain of friend@pass.example designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=friend@pass.example; helo=client.example; identity=mailfrom;',
    );
    expect(headers.some((h) => h.startsWith('X-Mxaudit-Spoof-Warning:'))).toBe(false);
    expect(headers.filter((h) => /^Subject:/i.test(h))).toEqual([expect.stringMatching(/^Subject: test /)]);
    expect(sessionOf(def, 'friend@pass.example').marks.spf).toEqual({ result: 'pass', domain: 'pass.example', identity: 'mailfrom' });
  });

  it('SPF fail: 550 5.7.23 at RCPT with the domain\'s explanation, in the trace', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'ceo@fail.example', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/MAIL FROM:<ceo@fail\.example>\r?\n<- +250 /); // SPF waits for a recipient
    expect(out).toMatch(/<\*\* +550 5\.7\.23 SPF validation failed: 192\.0\.2\.10 is not a mail server of fail\.example\r?\n/);
    expect(decisionsFor(def, 'ceo@fail.example').at(-1)).toMatchObject({
      phase: 'rcpt',
      layer: 'sender-auth',
      action: 'reject',
      reason: 'SPF fail for fail.example from 192.0.2.10',
      reply: '550 5.7.23 SPF validation failed: 192.0.2.10 is not a mail server of fail.example',
      subject: 'alice@lab.test',
    });
  });

  it('null sender: the HELO identity is checked', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--helo', 'mta.fail.example', '--from', '<>', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/<\*\* +550 5\.7\.23 SPF validation failed: domain of postmaster@mta\.fail\.example does not designate 192\.0\.2\.10 as permitted sender/);
    expect(sessionOf(def, '').marks.spf).toEqual({ result: 'fail', domain: 'mta.fail.example', identity: 'helo' });
  });

  it('SPF softfail: accepted and tagged for the user', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'news@soft.example', '--to', 'alice@lab.test', '--body', 'marker-soft');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    const headers = headerLines(storedMessage(def.store, 'alice@lab.test', 'marker-soft'));
    expect(headers).toContain('X-Mxaudit-Spoof-Warning: SPF softfail: domain of transitioning news@soft.example does not designate 192.0.2.10 as permitted sender');
    expect(headers.find((h) => h.startsWith('Received-SPF:'))).toMatch(/^Received-SPF: softfail \(/);
  });

  it('our own domain from outside, not refused by SPF: accepted and tagged (remote distribution lists)', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'carol@branch.test', '--to', 'alice@lab.test', '--body', 'marker-branch');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    const headers = headerLines(storedMessage(def.store, 'alice@lab.test', 'marker-branch'));
    expect(headers).toContain('X-Mxaudit-Spoof-Warning: claims our domain branch.test but comes from outside (192.0.2.10)');
    expect(headers.find((h) => h.startsWith('Received-SPF:'))).toMatch(/^Received-SPF: neutral /);
    // The visible tag (the talk's option 1): swaks' default subject, prefixed once.
    expect(headers.filter((h) => /^Subject:/i.test(h))).toEqual([expect.stringMatching(/^Subject: \[SPOOFED\] test /)]);
    // Tagged, not decided: a note in the trace, then the gateway accepts.
    expect(decisionsFor(def, 'carol@branch.test').map((d) => `${d.phase} ${d.layer} ${d.action}`)).toEqual(['connect gateway accept', 'mail gateway accept', 'rcpt gateway accept', 'data sender-auth note', 'data gateway accept']);
    expect(decisionsFor(def, 'carol@branch.test')[3].reason).toBe('tagged: claims our domain branch.test but comes from outside (192.0.2.10), subject prefixed "[SPOOFED]"');
  });

  it('our own domain from an outside host our SPF record authorizes: not a spoof, no warning', async () => {
    const out = await send('--xclient-addr', '198.51.100.7', '--from', 'carol@branch.test', '--h-From:', 'Carol <carol@branch.test>', '--to', 'alice@lab.test', '--body', 'marker-authorized');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    const headers = headerLines(storedMessage(def.store, 'alice@lab.test', 'marker-authorized'));
    expect(headers.find((h) => h.startsWith('Received-SPF:'))).toMatch(/^Received-SPF: pass /);
    expect(headers.some((h) => h.startsWith('X-Mxaudit-Spoof-Warning:'))).toBe(false);
  });

  it('our own domain in the From header only (envelope passes SPF): tagged', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'bulk@pass.example', '--h-From:', '"The CEO" <ceo@lab.test>', '--to', 'bob@lab.test', '--body', 'marker-header');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    const headers = headerLines(storedMessage(def.store, 'bob@lab.test', 'marker-header'));
    expect(headers).toContain('X-Mxaudit-Spoof-Warning: claims our domain lab.test but comes from outside (192.0.2.10)');
    expect(headers).toContain('From: "The CEO" <ceo@lab.test>');
  });

  it('internal clients are not checked: no DNS, no header, no mark', async () => {
    const before = dns.queries();
    const out = await send('--from', 'ceo@unasked.example', '--to', 'alice@lab.test', '--body', 'marker-internal');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    expect(storedMessage(def.store, 'alice@lab.test', 'marker-internal')).not.toContain('Received-SPF');
    expect(sessionOf(def, 'ceo@unasked.example').marks.spf).toBeUndefined();
    expect(dns.queries()).toBe(before);
  });

  it('checked at RCPT after recipient lookup: unknown recipients cost no DNS question, postmaster stays reachable', async () => {
    const before = dns.queries();
    const unknown = await send('--xclient-addr', '192.0.2.20', '--from', 'x@unasked.example', '--to', 'nobody@lab.test', '--quit-after', 'RCPT');
    expect(unknown).toMatch(/<\*\* +550 5\.1\.1 User unknown/);
    expect(dns.queries()).toBe(before);

    const pm = await send('--xclient-addr', OUTSIDE, '--from', 'admin@fail.example', '--to', 'postmaster@lab.test', '--body', 'marker-postmaster');
    expect(pm).toMatch(/<- +250 2\.0\.0 Message accepted/);
    expect(storedMessage(def.store, 'postmaster@lab.test', 'marker-postmaster')).toMatch(/\r\nReceived-SPF: fail \(mxaudit: domain of admin@fail\.example does not designate 192\.0\.2\.10 as permitted sender\) /);
  });
});

(swaksAvailable ? describe : describe.skip)('sender-auth with swaks, configured actions', () => {
  const send = (...args: string[]) => swaks(strict.gw.port, ...args);

  it('fail: tag puts the warning in the configured header and the configured subject prefix', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'ceo@fail.example', '--to', 'alice@lab.test', '--header', 'Subject: Quarterly =?utf-8?q?r=C3=A9sults?=', '--body', 'marker-failtag');
    expect(out).toMatch(/<- +250 2\.0\.0 Message accepted/);
    const headers = headerLines(storedMessage(strict.store, 'alice@lab.test', 'marker-failtag'));
    expect(headers).toContain('X-Spoof-Check: SPF fail: 192.0.2.10 is not a mail server of fail.example');
    expect(headers.filter((h) => /^Subject:/i.test(h))).toEqual(['Subject: *** CHECK SENDER *** Quarterly =?utf-8?q?r=C3=A9sults?=']);
  });

  it('softfail: reject gives 550 5.7.23', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'news@soft.example', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/<\*\* +550 5\.7\.23 SPF validation failed: domain of transitioning news@soft\.example does not designate 192\.0\.2\.10 as permitted sender\r?\n/);
  });

  it('own domain from outside: reject gives 550 5.7.1 at RCPT for the envelope', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'carol@branch.test', '--to', 'alice@lab.test', '--quit-after', 'RCPT');
    expect(out).toMatch(/<\*\* +550 5\.7\.1 Mail from our domain branch\.test must come from our network or be authenticated\r?\n/);
    expect(decisionsFor(strict, 'carol@branch.test').at(-1)).toMatchObject({ phase: 'rcpt', layer: 'sender-auth', action: 'reject', reason: 'envelope sender claims our domain branch.test but comes from outside (192.0.2.10)' });
  });

  it('own domain from outside: reject gives 550 5.7.1 at DATA for the From header, a display name counts', async () => {
    const out = await send('--xclient-addr', OUTSIDE, '--from', 'bulk@pass.example', '--h-From:', '"ceo@lab.test" <bulk@pass.example>', '--to', 'alice@lab.test');
    expect(out).toMatch(/<\*\* +550 5\.7\.1 Mail from our domain lab\.test must come from our network or be authenticated\r?\n/);
    expect(decisionsFor(strict, 'bulk@pass.example').at(-1)).toMatchObject({ phase: 'data', layer: 'sender-auth', action: 'reject', reason: 'From header claims our domain lab.test but comes from outside (192.0.2.10)' });
  });
});

describe('sender-auth with Python smtplib', () => {
  const message = (from: string, marker: string) => `From: ${from}\r\nTo: alice@lab.test\r\nSubject: ${marker}\r\n\r\n${marker}\r\n`;

  it('our own domain lab.test from outside fails our -all: 550 5.7.23', async () => {
    const [out] = await smtplibSend(def.gw.port, [{ from: 'alice@lab.test', to: ['bob@lab.test'], message: message('alice@lab.test', 'marker-py-own') }], OUTSIDE);
    expect(out).toEqual({ refused: { 'bob@lab.test': [550, '5.7.23 SPF validation failed: domain of alice@lab.test does not designate 192.0.2.10 as permitted sender'] } });
  });

  it('tags a folded Subject once, keeps the rest of the message byte for byte; subjectPrefix "" tags the header only', async () => {
    const body = `marker-py-fold\r\n${'line of body text with trailing space \r\n'.repeat(3000)}.dot-start\r\nend\r\n`;
    const raw = `From: news@soft.example\r\nSubject: a long subject\r\n folded here\r\nTo: alice@lab.test\r\n\r\n${body}`;
    const [out] = await smtplibSend(def.gw.port, [{ from: 'news@soft.example', to: ['alice@lab.test'], message: raw }], OUTSIDE);
    expect(out).toEqual({ refused: {} });
    const stored = storedMessage(def.store, 'alice@lab.test', 'marker-py-fold');
    expect(stored).toContain('\r\nSubject: [SPOOFED] a long subject\r\n folded here\r\nTo: alice@lab.test\r\n\r\n');
    expect(stored.endsWith(`\r\n\r\n${body}`)).toBe(true);

    const plain = await lab({ subjectPrefix: '' });
    try {
      await smtplibSend(plain.gw.port, [{ from: 'news@soft.example', to: ['alice@lab.test'], message: raw.replace('marker-py-fold', 'marker-py-plain') }], OUTSIDE);
      const headers = headerLines(storedMessage(plain.store, 'alice@lab.test', 'marker-py-plain'));
      expect(headers).toContain('Subject: a long subject folded here');
      expect(headers.some((h) => h.startsWith('X-Mxaudit-Spoof-Warning: SPF softfail'))).toBe(true);
    } finally {
      await plain.gw.stop();
      rmSync(plain.store, { recursive: true, force: true });
    }
  });

  it('two transactions in one session: the second carries none of the first\'s headers', async () => {
    const out = await smtplibSend(
      def.gw.port,
      [
        { from: 'news@soft.example', to: ['alice@lab.test'], message: message('news@soft.example', 'marker-py-first') },
        { from: 'friend@pass.example', to: ['bob@lab.test'], message: message('friend@pass.example', 'marker-py-second') },
      ],
      OUTSIDE,
    );
    expect(out).toEqual([{ refused: {} }, { refused: {} }]);
    const first = storedMessage(def.store, 'alice@lab.test', 'marker-py-first');
    expect(first).toMatch(/\r\nReceived-SPF: softfail \(/);
    expect(first).toMatch(/\r\nX-Mxaudit-Spoof-Warning: SPF softfail: /);
    const second = headerLines(storedMessage(def.store, 'bob@lab.test', 'marker-py-second'));
    expect(second.filter((h) => /^(Received-SPF|X-Mxaudit-Spoof-Warning):/.test(h))).toEqual([
      'Received-SPF: pass (mxaudit: domain of friend@pass.example designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=friend@pass.example; helo=client.example; identity=mailfrom;',
    ]);
  });
});
