// The decision log: one JSON line per finished session, appended. Lines are written by one
// write() at a time on a file opened with O_APPEND, so a line is never interleaved or half-written
// by this process; lines that end while a write is in flight go out together in the next one,
// in session-end order (one system call for many sessions under load).
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
  /** Lines waiting while a write is in flight: written together next, in order (one write, whole lines). */
  let pending: Buffer[] = [];
  let writing: Promise<void> | null = null;
  let closed = false;
  const flush = async (): Promise<void> => {
    while (pending.length) {
      const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      try {
        const { bytesWritten } = await handle.write(buf, 0, buf.length, null);
        if (bytesWritten !== buf.length) throw new Error(`short write to ${path}: ${bytesWritten} of ${buf.length} bytes`);
      } catch (err) {
        onError(err as Error);
      }
    }
    writing = null;
  };
  return {
    append(line) {
      if (closed) return;
      pending.push(Buffer.from(`${JSON.stringify(line)}\n`, 'utf8'));
      writing ??= flush();
    },
    async close() {
      closed = true;
      await writing;
      await handle.close();
    },
  };
}
