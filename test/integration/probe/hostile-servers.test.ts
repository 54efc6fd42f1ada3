// The probe against servers that misbehave on purpose: every check must end within its budget
// with a clear "inconclusive" reason, memory stays bounded, nothing is left unhandled, and
// hostile text is kept verbatim in the JSON but never acts on a terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../main/probe/engine.js';
import { createResolver } from '../../../main/net/resolver.js';
import { formatText } from '../../../main/cli/text-report.js';
import type { ProbeOptions } from '../../../main/probe/context.js';
import { probeOptions } from '../../../main/probe/default-options.js';
import { hostileScripts, startScriptedServer } from '../../support/hostile-server.js';
import { AssessmentSchema } from '../../../shared/assessment.js';

const CHECK_BUDGET_MS = 3000;
// The checks that talk SMTP; the DNS ones are tested against the lab DNS server.
const SMTP_CHECKS = ['ehlo', 'open-relay', 'recipients', 'size-limit', 'harvest'];
const options: ProbeOptions = probeOptions({
  authorized: true,
  timeouts: { connectMs: 2000, commandMs: 2000, sessionMs: CHECK_BUDGET_MS },
  checkTimeoutMs: CHECK_BUDGET_MS,
  harvest: { samples: 4, freshConnections: 1, intervalMs: 0 },
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

async function probe(script: keyof typeof hostileScripts) {
  const server = await startScriptedServer(hostileScripts[script]);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  try {
    const result = await runProbe({
      targets: [{ host: '127.0.0.1', port: server.port }],
      domain: 'hostile.test',
      checks: SMTP_CHECKS,
      options,
      resolver: createResolver(['127.0.0.1:1']), // never consulted for an IP literal
    });
    return { result, wallMs: performance.now() - started, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
  } finally {
    await server.close();
  }
}

const mustError: (keyof typeof hostileScripts)[] = [
  'endless multi-line reply',
  'one byte per second',
  '1 MB line',
  'silence after connect',
  'close on connect',
  'garbage after STARTTLS',
  '10,000 EHLO lines',
];

describe('probe against hostile servers', () => {
  it.each(mustError)('%s: every check ends in time with status error and a reason', async (name) => {
    const { result, wallMs, heapGrowth } = await probe(name);
    expect(result.unreachable).toEqual([]);
    expect(result.checks).toHaveLength(5);
    for (const c of result.checks) {
      expect(c.status, `${c.id}: ${c.reason}`).toBe('error');
      expect(c.reason).toMatch(/^inconclusive: .{5,}/);
      expect(c.durationMs).toBeLessThanOrEqual(CHECK_BUDGET_MS + 2000);
    }
    // Four checks run three at a time, then harvest alone: at most three budgets back to back.
    expect(wallMs).toBeLessThan(3 * CHECK_BUDGET_MS + 2000);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
    expect(() => AssessmentSchema.parse(JSON.parse(JSON.stringify(result)))).not.toThrow();
  });

  it('names the cause in the reason', async () => {
    const reasons = async (name: keyof typeof hostileScripts) => (await probe(name)).result.checks.find((c) => c.id === 'ehlo')!.reason;
    expect(await reasons('endless multi-line reply')).toMatch(/reply longer than \d+ lines/);
    expect(await reasons('1 MB line')).toMatch(/reply line longer than \d+ bytes/);
    expect(await reasons('silence after connect')).toMatch(/no complete reply within 2000 ms/);
    expect(await reasons('close on connect')).toMatch(/closed/);
    expect(await reasons('garbage after STARTTLS')).toMatch(/TLS/);
  });

  it('keeps hostile banner text verbatim in the JSON but never lets it act on a terminal', async () => {
    const { result } = await probe('HTML/JS and ANSI in the banner');
    const banner = result.facts.banner as string;
    expect(banner).toContain('<script>alert(1)</script><img src=x onerror=alert(2)>');
    expect(banner).toContain('\x1b[31m');
    const json = JSON.stringify(result);
    expect(JSON.parse(json).facts.banner).toBe(banner);
    const text = formatText(result);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('\\x1b[31mRED');
    expect(text).toContain('<script>alert(1)</script>');
  });
});
