// The reference assessment: the probe's full suite against the lab gateway, authorized, with
// the lab resolver and CA. The "expected good" column of every comparison.
import type { Assessment } from '../../shared/assessment.js';
import { runProbe, type ProbeProgress } from '../probe/engine.js';
import { probeOptions } from '../probe/default-options.js';
import type { ProbeOptions } from '../probe/context.js';
import { LAB_BLOCK_LIST, startLab, type Lab, type LabOptions } from './start-lab.js';

/** Probe options for the lab: everything authorized, the lab's CA, block list and policy port. */
export function labProbeOptions(lab: Lab, overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return probeOptions({
    authorized: true,
    lab: true,
    helo: 'probe.mxaudit.test',
    ca: lab.pki.caPem,
    validRcpt: [lab.users[0]],
    mtaStsPort: lab.policy.port,
    rblZones: [LAB_BLOCK_LIST],
    rblOnly: true,
    // Enough unknown recipients to see the tarpit, and that it follows the client IP into a
    // fresh connection; each one costs the tarpit delay (5 s by default), so no more.
    harvest: { samples: 1, freshConnections: 1, freshSamples: 1, intervalMs: 0 },
    ...overrides,
  });
}

export interface ProbeLabOptions {
  signal?: AbortSignal;
  onProgress?: (p: ProbeProgress) => void;
  options?: Partial<ProbeOptions>;
  /** Check ids or categories; every check when absent. */
  checks?: string[];
}

export async function probeLab(lab: Lab, opts: ProbeLabOptions = {}): Promise<Assessment> {
  const { unreachable: _unreachable, ...assessment } = await runProbe({
    targets: [{ host: lab.hostname, port: lab.gateway.port }],
    domain: lab.domain,
    checks: opts.checks,
    options: labProbeOptions(lab, opts.options),
    resolver: lab.resolver,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return assessment;
}

/** Starts the lab, probes it with every check, stops it. */
export async function referenceAssessment(opts: { signal?: AbortSignal; onProgress?: (p: ProbeProgress) => void; lab?: LabOptions } = {}): Promise<Assessment> {
  const lab = await startLab(opts.lab);
  try {
    return await probeLab(lab, opts);
  } finally {
    await lab.stop();
  }
}
