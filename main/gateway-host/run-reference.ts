// The reference assessment in the gateway host process: the lab (gateway, DNS, MTA-STS) and
// the probe run here, never in main; main cancels it by killing this process.
import { loadReference } from '../api/lab-modules.js';
import type { FromGatewayHost } from './protocol.js';

export async function runReference(post: (m: FromGatewayHost) => void, signal: AbortSignal): Promise<void> {
  try {
    const mod = await loadReference();
    const assessment = await mod.referenceAssessment({
      signal,
      onProgress: (p) => {
        if (p.type === 'check-end') post({ type: 'reference-progress', message: `reference: ${p.checkId} ${p.status}` });
      },
    });
    post({ type: 'reference-done', assessment, error: null });
  } catch (err) {
    post({ type: 'reference-done', assessment: null, error: (err as Error).message });
  }
}
