/// <reference types="vite/client" />
// The lab's reference assessment is loaded when first used, and only if it exists in this
// build: a build without it says "not available" instead of failing.
import type { Assessment } from '../../shared/assessment.js';
import type { ProbeProgress } from '../probe/engine.js';
import { ApiError } from './api-error.js';

const modules = import.meta.glob(['../lab/reference.ts']);

interface ReferenceModule {
  referenceAssessment(opts: { signal?: AbortSignal; onProgress?: (p: ProbeProgress) => void }): Promise<Assessment>;
}

async function load<T>(path: string, what: string, fn: string): Promise<T> {
  const importer = modules[path];
  const mod = importer ? ((await importer()) as Record<string, unknown>) : null;
  if (!mod || typeof mod[fn] !== 'function') throw new ApiError(`${what} is not available in this build of mxaudit`);
  return mod as T;
}

export const loadReference = () => load<ReferenceModule>('../lab/reference.ts', 'the reference assessment (lab)', 'referenceAssessment');
