// The spam filter against the real rspamd (Debian package "rspamd"), when installed: stock rules,
// every network-reaching module off, its resolver pointed at our dns2 server on loopback
// (test/support/rspamd.ts). GTUBE must come back as rspamd's reject, a plain message with a low
// score. Under strace (when installed) the run also proves rspamd sent nothing off loopback.
// Skipped without rspamd; MXAUDIT_REQUIRE_RSPAMD=1 makes it fail instead.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GTUBE } from '../../../main/gateway/layers/spam-filter.js';
import { findStored, header, send, startContentGateway, type ContentGateway } from '../../support/content-gateway.js';
import { startLabDns, type LabDnsServer } from '../../support/lab-dns.js';
import { describeRspamd, groupAlive, startRspamd, STRACE_BIN, type RspamdInstance } from '../../support/rspamd.js';

/** rspamd's own reply to a /checkv2 request, to read its action (the gateway keeps only the score). */
async function checkv2(r: RspamdInstance, message: string): Promise<{ action: string; score: number; required_score: number; symbols: Record<string, unknown> }> {
  const res = await fetch(`http://${r.host}:${r.port}/checkv2`, { method: 'POST', body: message, headers: { IP: '192.0.2.20', From: 'friend@example.org', Rcpt: 'alice@lab.test' } });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

const HAM = ['From: Friend <friend@example.org>', 'To: Alice <alice@lab.test>', 'Subject: lunch tomorrow', 'Date: Tue, 1 Dec 2026 10:00:00 +0000', 'Message-ID: <lunch-2@example.org>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Shall we meet at noon?', ''].join('\r\n');

describeRspamd('spam filter with the real rspamd (/usr/bin/rspamd)', () => {
  let dns: LabDnsServer;
  let rspamd: RspamdInstance;
  let t: ContentGateway;

  beforeAll(async () => {
    // No zones: every name rspamd might look up is NXDOMAIN, answered here on loopback.
    dns = await startLabDns({});
    rspamd = await startRspamd({ dnsServer: dns.server, strace: true });
    // A cold start compiles the public-suffix list (10-13 s here, on 2 cores); startRspamd allows 50 s.
    console.log(`rspamd listening after ${rspamd.startMs} ms${rspamd.traced ? ' (under strace)' : ''}`);
    t = await startContentGateway({ 'spam-filter': { rspamd: { host: rspamd.host, port: rspamd.port, timeoutMs: 20_000 } } });
  }, 70_000);

  afterAll(async () => {
    await t?.stop();
    await rspamd?.stop();
    await dns?.stop();
  });

  it('GTUBE: rspamd answers with its reject action and its GTUBE symbol', async () => {
    const r = await checkv2(rspamd, HAM.replace('Shall we meet at noon?', GTUBE));
    expect(r.action).toBe('reject');
    expect(Object.keys(r.symbols)).toContain('GTUBE');
  });

  it('GTUBE through the gateway: rspamd at its reject score is SCL 7 (the gateway threshold) on its own; refused', async () => {
    expect(await send(t.gw.port, { subject: 'gtube', text: `Hello\n${GTUBE}\n` })).toBe('550 5.7.1 Message refused as spam (SCL 9)');
    // The built-in GTUBE rule says 9; rspamd's own part is named in the trace and reaches the threshold alone.
    const reason = t.decisions.at(-1)!.reason;
    const m = /; rspamd (\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?) -> SCL (\d) \[([^\]]*)\]/.exec(reason);
    expect(m, reason).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(Number(m![2]));
    expect(Number(m![3])).toBeGreaterThanOrEqual(7);
    expect(m![4].split(',')).toContain('GTUBE');
  });

  it('a plain message: rspamd takes no action, a low score in the header, accepted to the inbox', async () => {
    const r = await checkv2(rspamd, HAM);
    expect(r.action, JSON.stringify(r.symbols)).toBe('no action');

    const reply = await send(t.gw.port, { subject: 'lunch tomorrow', text: 'marker-real-rspamd Shall we meet at noon?', date: new Date(), messageId: '<lunch-1@example.org>' });
    expect(reply).toMatch(/^250 /);
    const stored = findStored(t.store, 'marker-real-rspamd')!;
    expect(stored.folder).toBe('inbox');
    const engines = header(stored.text, 'X-Mxaudit-Spam-Engines')!;
    const m = /^rspamd (-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?) -> SCL (\d)/.exec(engines);
    expect(m, engines).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(Number(m![2]) / 3);
    expect(Number(m![3])).toBeLessThan(4);
  });

  it.skipIf(!existsSync(STRACE_BIN))('strace: every address rspamd connected or sent to was loopback, its DNS only ours; no process left', async () => {
    const pgid = rspamd.pid;
    const audit = (await rspamd.stop())!;
    expect(audit).not.toBeNull();
    console.log(`rspamd traffic (strace): ${JSON.stringify(audit.destinations)}`);
    expect(audit.offLoopback).toEqual([]);
    // rspamd did use DNS (the reverse lookup of the client), and asked only the dns2 server.
    expect(dns.queries()).toBeGreaterThan(0);
    const dnsTargets = Object.keys(audit.destinations).filter((d) => d.endsWith(':53'));
    expect(dnsTargets).toEqual([]);
    expect(Object.keys(audit.destinations)).toContain(dns.server);
    expect(groupAlive(pgid)).toBe(false);
  });
});
