/// <reference types="vite/client" />
// The lab's reference assessment and traffic generator are loaded when first used, and only if
// they exist in this build: a build without them says "not available" instead of failing.
import type { Assessment } from '../../shared/assessment.js';
import type { ProbeProgress } from '../probe/engine.js';
import { ApiError } from './api-error.js';

const modules = import.meta.glob(['../lab/reference.ts', '../lab/traffic.ts']);

interface ReferenceModule {
  referenceAssessment(opts: { signal?: AbortSignal; onProgress?: (p: ProbeProgress) => void }): Promise<Assessment>;
}
type TrafficModule = { runTraffic(target: { host: string; port: number }, opts: Record<string, unknown>): Promise<unknown> };

async function load<T>(path: string, what: string, fn: string): Promise<T> {
  const importer = modules[path];
  const mod = importer ? ((await importer()) as Record<string, unknown>) : null;
  if (!mod || typeof mod[fn] !== 'function') throw new ApiError(`${what} is not available in this build of mxaudit`);
  return mod as T;
}

export const loadReference = () => load<ReferenceModule>('../lab/reference.ts', 'the reference assessment (lab)', 'referenceAssessment');
export const loadTraffic = () => load<TrafficModule>('../lab/traffic.ts', 'the traffic generator (lab)', 'runTraffic');
