// Runs the real probe engine against a real Postfix instance, as the CLI would.
import { describe } from 'vitest';
import { runProbe } from '../../main/probe/engine.js';
import { createResolver } from '../../main/net/resolver.js';
import type { ProbeOptions } from '../../main/probe/context.js';
import { probeOptions } from '../../main/probe/default-options.js';
import { postfixAvailable, type PostfixInstance } from './postfix.js';

export const baseOptions: ProbeOptions = probeOptions({ authorized: true, helo: 'probe.mxaudit.test', harvest: { samples: 12, freshConnections: 2, intervalMs: 0 } });

export async function probePostfix(pf: PostfixInstance, checks: string[], options: Partial<ProbeOptions> = {}) {
  return runProbe({
    targets: [{ host: pf.host, port: pf.port }],
    domain: pf.domain,
    checks,
    options: { ...baseOptions, ...options },
    // An IP literal never needs DNS; an unreachable resolver proves it is never asked.
    resolver: createResolver(['127.0.0.1:1']),
  });
}

/** `describe` that runs only where Postfix can run, and fails instead when CI requires it. */
export const describePostfix: typeof describe =
  postfixAvailable() || process.env.MXAUDIT_REQUIRE_POSTFIX === '1' ? describe : (describe.skip as typeof describe);

export const findingIds = (a: { findings: { id: string }[] }) => a.findings.map((f) => f.id).sort();
