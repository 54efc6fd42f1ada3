// The reference assessment for Compare, run in a gateway host process of its own (the lab's
// gateway, DNS and MTA-STS never live in main): progress streamed, cancelled by close().
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';
import type { GatewayProcess, SpawnGatewayProcess } from '../gateway-host/protocol.js';
import { ApiError } from './api-error.js';

/** The whole suite against the lab, tarpit delays included, takes a few minutes at most. */
const REFERENCE_TIMEOUT_MS = 15 * 60_000;

export class ReferenceRunner {
  private readonly procs = new Set<GatewayProcess>();

  constructor(
    private readonly spawn: SpawnGatewayProcess,
    private readonly onProgress: (message: string) => void,
  ) {}

  run(): Promise<Assessment> {
    const proc = this.spawn();
    this.procs.add(proc);
    return new Promise<Assessment>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new ApiError(`the reference assessment did not finish within ${REFERENCE_TIMEOUT_MS / 60_000} minutes`));
      }, REFERENCE_TIMEOUT_MS);
      proc.onMessage((m) => {
        if (m.type === 'reference-progress') this.onProgress(m.message);
        else if (m.type === 'reference-done') {
          clearTimeout(timer);
          if (m.error !== null) return reject(new ApiError(`the reference assessment failed: ${m.error}`));
          const parsed = AssessmentSchema.safeParse(m.assessment);
          if (parsed.success) resolve(parsed.data);
          else reject(ApiError.fromZod(parsed.error, 'reference assessment'));
        }
      });
      proc.onExit((code) => {
        clearTimeout(timer);
        this.procs.delete(proc);
        // After a result this changes nothing; before one, it was killed (close) or crashed.
        reject(new ApiError(`the reference assessment stopped (process exit code ${code})`));
      });
      proc.send({ type: 'reference' });
    });
  }

  /** Stops every reference run (its lab goes with its process). */
  close(): void {
    for (const p of this.procs) p.kill();
    this.procs.clear();
  }
}
