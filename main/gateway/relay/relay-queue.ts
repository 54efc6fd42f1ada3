// Persistent outbound queue to the smart host. Placeholder: the content/relay owner implements
// it behind this interface (entries fsynced before the 250, retries with back-off, nodemailer).
import type { RelayConfig } from './relay-config.js';

export interface RelayEnvelope {
  /** Queue id (the store id). */
  id: string;
  from: string;
  recipients: string[];
  /** The stored message file to send (trace headers included). */
  file: string;
}

export interface RelayQueue {
  /** Persists the entry (fsynced) and schedules delivery; resolves once it is durable. */
  enqueue(envelope: RelayEnvelope): Promise<void>;
  /** Entries waiting or retrying. */
  pending(): number;
  stop(): Promise<void>;
}

export async function startRelayQueue(_config: RelayConfig, _deps: { queueDir: string; hostname: string }): Promise<RelayQueue> {
  throw new Error('relay to a smart host is not implemented yet');
}
