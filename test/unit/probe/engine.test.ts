// The engine owns failure: a throw, a hang or a missing authorization never becomes a pass,
// and the run goes on. Checks here are small definitions against a real smtp-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { runProbe } from '../../../main/probe/engine.js';
import { defineCheck } from '../../../main/probe/define-check.js';
import { createResolver } from '../../../main/net/resolver.js';
import type { ProbeOptions } from '../../../main/probe/context.js';
import { probeOptions } from '../../../main/probe/default-options.js';

let server: SMTPServer;
let port: number;
beforeAll(async () => {
  server = new SMTPServer({ disableReverseLookup: true, authOptional: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const options: ProbeOptions = probeOptions({ timeouts: { connectMs: 1000, commandMs: 1000, sessionMs: 5000 } });
const outcome = { 'smtp.test-finding': { severity: 'high' as const, title: 'A test finding', description: 'Raised by a test check for the engine.', remediation: 'Nothing to do.' } };

const throwing = defineCheck({ id: 'throws', title: 'throws', category: 'smtp', active: false, timeoutMs: 1000, references: [], outcomes: outcome, run: async () => { throw new Error('boom'); } });
const hanging = defineCheck({
  id: 'hangs', title: 'hangs', category: 'smtp', active: false, timeoutMs: 300, references: [], outcomes: outcome,
  // Holds a real session open and never returns: the engine must time out and close it.
  run: async (ctx) => { await ctx.connect(); await new Promise(() => {}); return {}; },
});
const active = defineCheck({ id: 'active', title: 'active', category: 'smtp', active: true, timeoutMs: 1000, references: ['RFC X'], outcomes: outcome, run: async () => ({ findings: [{ outcome: 'smtp.test-finding', evidence: {}, detail: 'Measured.' }] }) });
const passing = defineCheck({
  id: 'talks', title: 'talks', category: 'smtp', active: false, timeoutMs: 1000, references: [], outcomes: outcome,
  run: async (ctx) => { const s = await ctx.connect(); await s.ehlo('x.test'); await s.quit(); return { facts: { banner: 'seen' } }; },
});

describe('runProbe', () => {
  const run = (opts: Partial<ProbeOptions> = {}) =>
    runProbe({ targets: [{ host: '127.0.0.1', port }], domain: null, options: { ...options, ...opts }, resolver: createResolver(['127.0.0.1:1']), checkDefinitions: [throwing, hanging, active, passing] });

  it('turns a throw and a timeout into errors with reasons and keeps going', async () => {
    const a = await run();
    const byId = Object.fromEntries(a.checks.map((c) => [c.id, c]));
    expect(byId.throws).toMatchObject({ status: 'error', reason: 'inconclusive: boom' });
    expect(byId.hangs).toMatchObject({ status: 'error', reason: 'inconclusive: check timed out after 300 ms' });
    expect(byId.hangs.durationMs).toBeLessThan(1000);
    expect(byId.talks.status).toBe('pass');
    expect(a.facts.banner).toBe('seen');
  });

  it('skips active checks without authorization, and runs them with it', async () => {
    const without = await run();
    expect(without.checks.find((c) => c.id === 'active')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/--i-am-authorized/) });
    expect(without.findings).toEqual([]);
    const withAuth = await run({ authorized: true });
    expect(withAuth.checks.find((c) => c.id === 'active')?.status).toBe('fail');
    expect(withAuth.findings[0]).toMatchObject({ id: 'smtp.test-finding', checkId: 'active', severity: 'high', host: '127.0.0.1', port, description: 'Raised by a test check for the engine. Measured.', references: ['RFC X'] });
  });

  it('reports an unreachable target instead of running checks against it', async () => {
    const a = await runProbe({ targets: [{ host: '127.0.0.1', port: 1 }], domain: null, options, resolver: createResolver(['127.0.0.1:1']), checkDefinitions: [passing] });
    expect(a.unreachable[0]).toMatch(/ECONNREFUSED/);
    expect(a.checks[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/^unreachable/) });
  });
});

describe('domain-scoped checks', () => {
  let runs = 0;
  const domainCheck = defineCheck({
    id: 'domain-once', title: 'domain once', category: 'dns', scope: 'domain', active: false, timeoutMs: 1000, references: [],
    outcomes: { 'dns.test-finding': { severity: 'low', title: 'A domain finding', description: 'Raised once per domain by a test check.', remediation: 'Nothing to do.' } },
    run: async (ctx) => { runs++; return { facts: { seenDomain: ctx.target.domain }, findings: [{ outcome: 'dns.test-finding', evidence: {} }] }; },
  });

  it('run once per assessment, whatever the number of hosts; facts go to domainFacts', async () => {
    runs = 0;
    const a = await runProbe({ targets: [{ host: '127.0.0.1', port }, { host: 'localhost', port }], domain: 'lab.test', options, resolver: createResolver(['127.0.0.1:1']), checkDefinitions: [domainCheck, passing] });
    expect(runs).toBe(1);
    expect(a.domainFacts).toEqual({ seenDomain: 'lab.test' });
    expect(a.findings).toMatchObject([{ id: 'dns.test-finding', host: 'lab.test', port: 0 }]);
    expect(a.checks.map((c) => `${c.id}@${c.host}`)).toEqual(['domain-once@lab.test', 'talks@127.0.0.1', 'talks@localhost']);
  });

  it('are skipped without a domain', async () => {
    const a = await runProbe({ targets: [], domain: null, options, resolver: createResolver(['127.0.0.1:1']), checkDefinitions: [domainCheck] });
    expect(a.checks[0]).toMatchObject({ host: 'all hosts', status: 'skipped', reason: 'no domain: give --domain' });
  });
});
