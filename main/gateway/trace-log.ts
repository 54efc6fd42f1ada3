// The decision log: one JSON line per finished session, appended. Each line is one write() on
// a file opened with O_APPEND, so a line is never interleaved or half-written by this process;
// writes are serialized so lines keep session-end order.
import { open, type FileHandle } from 'node:fs/promises';
import type { Decision, GatewaySession } from './session.js';

export interface SessionLogLine {
  id: string;
  remoteAddress: string;
  helo: string | null;
  authenticated: boolean;
  listener: 'mx' | 'submission';
  decisions: Decision[];
  startedAt: string;
  endedAt: string;
}

export interface DecisionLog {
  append(line: SessionLogLine): void;
  /** Waits for pending lines, then closes the file. */
  close(): Promise<void>;
}

export function sessionLogLine(g: GatewaySession, listener: SessionLogLine['listener'], startedAt: Date, endedAt: Date): SessionLogLine {
  return { id: g.id, remoteAddress: g.remoteAddress, helo: g.helo, authenticated: g.authenticated, listener, decisions: g.decisions, startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString() };
}

export async function openDecisionLog(path: string, onError: (err: Error) => void = () => {}): Promise<DecisionLog> {
  const handle: FileHandle = await open(path, 'a', 0o640);
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    append(line) {
      if (closed) return;
      const buf = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
      chain = chain.then(async () => {
        const { bytesWritten } = await handle.write(buf, 0, buf.length, null);
        if (bytesWritten !== buf.length) throw new Error(`short write to ${path}: ${bytesWritten} of ${buf.length} bytes`);
      }).catch((err: Error) => onError(err));
    },
    async close() {
      closed = true;
      await chain;
      await handle.close();
    },
  };
}
