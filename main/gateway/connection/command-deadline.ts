// Per-command deadline (Postfix's smtpd_per_record_deadline): smtp-server's idle timeout is the
// socket's, re-armed by every received byte, so a client dripping one byte a second of a line it
// never finishes holds its connection (and a maxClients slot) forever. This watcher looks at each
// connection's command parser a few times per deadline: a partial command line still pending
// after the deadline, with no command completed meanwhile, gets 421 4.4.2 and the connection is
// closed. Only command lines are watched (not DATA content), and only while the client owes us
// input (not while a handler, e.g. a tarpit, is deciding).
import type { SMTPServer } from 'smtp-server';

/** The parts of smtp-server's (untyped, internal) connection and parser objects we read. */
interface ParserView {
  _remainder?: string;
  _dataMode?: boolean;
  oncommand?: (...args: unknown[]) => unknown;
}
interface ConnectionView {
  _parser?: ParserView | false;
  _closing?: boolean;
  _closed?: boolean;
  _handlerPending?: boolean;
  send(code: number, text: string): void;
  close(): void;
}

interface LineState {
  parser: ParserView;
  /** Command lines completed on this parser so far. */
  completed: number;
  /** When a partial line was first seen, and how many lines were completed then. */
  partialSince: number | null;
  completedAtPartial: number;
}

export interface CommandDeadline {
  stop(): void;
}

export function watchCommandDeadline(servers: readonly SMTPServer[], deadlineMs: number, now: () => number = () => performance.now(), onCut?: () => void): CommandDeadline {
  const state = new WeakMap<object, LineState>();
  const sweep = () => {
    const t = now();
    for (const server of servers) {
      for (const c of server.connections as Set<unknown> as Set<ConnectionView>) {
        const p = c._parser;
        if (!p || c._closing || c._closed) continue;
        let st = state.get(c);
        if (!st || st.parser !== p) {
          // Count completed lines: a partial line seen at two sweeps with lines completed in
          // between is a new line (a busy pipelining client), not the same dripped one.
          st = { parser: p, completed: 0, partialSince: null, completedAtPartial: 0 };
          const s = st;
          const original = p.oncommand;
          if (typeof original === 'function') {
            p.oncommand = function (this: unknown, ...args: unknown[]) {
              s.completed++;
              return original.apply(this, args);
            };
          }
          state.set(c, st);
        }
        const partial = !p._dataMode && !c._handlerPending && typeof p._remainder === 'string' && p._remainder.length > 0;
        if (!partial || st.completed !== st.completedAtPartial) {
          st.partialSince = partial ? t : null;
          st.completedAtPartial = st.completed;
          continue;
        }
        st.partialSince ??= t;
        if (t - st.partialSince >= deadlineMs) {
          st.partialSince = null;
          onCut?.();
          c.send(421, `4.4.2 Timeout: command line not completed within ${Math.round(deadlineMs / 1000)} seconds, closing connection`);
          c.close();
        }
      }
    }
  };
  // A few sweeps per deadline: a line is cut between the deadline and 1.25 deadlines after its first byte.
  const timer = setInterval(sweep, Math.max(50, Math.min(1000, deadlineMs / 4)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
