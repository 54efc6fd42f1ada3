// The reference assessment: the probe's full suite against the lab gateway, authorized, with
// the lab resolver and CA. The "expected good" column of every comparison.
import type { Assessment } from '../../shared/assessment.js';
import { runProbe, type ProbeProgress } from '../probe/engine.js';
import { registry } from '../probe/registry.js';
import type { CheckDefinition } from '../probe/define-check.js';
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

/**
 * The lab's suite, in seconds rather than the ~16 s of a plain run: the two checks that wait
 * on the gateway's 5 s tarpit (harvest: one delayed recipient in a long connection, one in a
 * fresh one; recipients: one) start first and alongside the others, instead of harvest waiting
 * for the pool and then running alone. On a remote target harvest runs alone so that other
 * checks' traffic does not blur its timing; here the tarpit is a timer in the gateway, which
 * the lab's loopback traffic cannot shorten or lengthen by a measurable fraction of 5 s, so
 * the samples, and the verdict drawn from them, are the same.
 */
const LAB_FIRST = ['harvest', 'recipients'];
const labCheckDefinitions: readonly CheckDefinition[] = [
  ...LAB_FIRST.map((id) => registry.find((d) => d.id === id)!).map((d) => ({ ...d, exclusive: false })),
  ...registry.filter((d) => !LAB_FIRST.includes(d.id)),
];
const registryOrder = new Map(registry.map((d, i) => [d.id, i]));
const byRegistry = (a: string, b: string) => (registryOrder.get(a) ?? 0) - (registryOrder.get(b) ?? 0);

export async function probeLab(lab: Lab, opts: ProbeLabOptions = {}): Promise<Assessment> {
  const { unreachable: _unreachable, ...assessment } = await runProbe({
    targets: [{ host: lab.hostname, port: lab.gateway.port }],
    domain: lab.domain,
    checks: opts.checks,
    options: labProbeOptions(lab, opts.options),
    resolver: lab.resolver,
    signal: opts.signal,
    onProgress: opts.onProgress,
    checkDefinitions: labCheckDefinitions,
  });
  // Reported in the registry's order, as any other assessment.
  return {
    ...assessment,
    options: { ...assessment.options, checks: [...assessment.options.checks].sort(byRegistry) },
    checks: [...assessment.checks].sort((a, b) => byRegistry(a.id, b.id)),
  };
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
