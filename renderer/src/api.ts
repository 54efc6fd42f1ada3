// The only file that knows the transport: window.mxaudit when the Electron preload exposed it,
// otherwise the WebSocket bridge of `mxaudit serve` (token from the URL fragment, kept in
// sessionStorage, sent as a WebSocket subprotocol).
import type { Channel, EventName, EventOf, MxauditBridge, RequestOf, ResponseOf } from '../../shared/ipc-contract.js';

declare global {
  interface Window {
    mxaudit?: MxauditBridge;
  }
}

export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'no-token';

const TOKEN_KEY = 'mxaudit-token';
const REQUEST_TIMEOUT_MS = 30 * 60_000;

function takeToken(): string | null {
  const m = /(?:^#|&)token=([a-f0-9]{16,128})/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    // Off the address bar (screenshots, shoulder surfing, history).
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function webSocketBridge(): MxauditBridge & { state(): ConnectionState; onState(l: (s: ConnectionState) => void): () => void } {
  const token = takeToken();
  let ws: WebSocket | null = null;
  let state: ConnectionState = token ? 'connecting' : 'no-token';
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: number }>();
  /** Frames waiting for the socket, by request id: only requests still pending are ever sent. */
  const queue = new Map<number, string>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const setState = (s: ConnectionState) => {
    state = s;
    stateListeners.forEach((l) => l(s));
  };

  const connect = () => {
    if (!token) return;
    setState('connecting');
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`, ['mxaudit', `mxaudit.token.${token}`]);
    ws = socket;
    socket.onopen = () => {
      retryMs = 250;
      setState('open');
      for (const m of queue.values()) socket.send(m);
      queue.clear();
    };
    socket.onmessage = (e) => {
      let m: { id?: number | null; ok?: boolean; result?: unknown; error?: string; issues?: []; event?: string; payload?: unknown };
      try {
        m = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (m.event) {
        listeners.get(m.event)?.forEach((l) => l(m.payload));
        return;
      }
      const p = typeof m.id === 'number' ? pending.get(m.id) : undefined;
      if (!p) return;
      pending.delete(m.id as number);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new ApiCallError(m.error ?? 'request failed', m.issues ?? []));
    };
    socket.onclose = () => {
      ws = null;
      // Every pending request is reported failed: none of them may still run after a reconnect.
      queue.clear();
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new ApiCallError('the connection to mxaudit was lost'));
        pending.delete(id);
      }
      setState('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      if (!token) return Promise.reject(new ApiCallError('no access token: open the URL printed by "mxaudit serve"'));
      const id = nextId++;
      const frame = JSON.stringify({ id, channel, payload: request });
      return new Promise((resolve, reject) => {
        const timer = window.setTimeout(() => {
          pending.delete(id);
          queue.delete(id);
          reject(new ApiCallError('no answer from mxaudit'));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
        else queue.set(id, frame);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    state: () => state,
    onState: (l) => {
      stateListeners.add(l);
      return () => void stateListeners.delete(l);
    },
  };
}

const electron = window.mxaudit;
const ws = electron ? null : webSocketBridge();

/** Calls a channel; errors are ApiCallError with the fields that were refused. */
export async function invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  try {
    return await (electron ?? ws!).invoke(channel, request);
  } catch (err) {
    if (err instanceof ApiCallError) throw err;
    const e = err as Error & { issues?: { path: string; message: string }[] };
    throw new ApiCallError(e.message, e.issues ?? []);
  }
}

export function on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
  return (electron ?? ws!).on(event, listener);
}

export const connection = {
  state: (): ConnectionState => (ws ? ws.state() : 'open'),
  onState: (l: (s: ConnectionState) => void): (() => void) => (ws ? ws.onState(l) : () => {}),
};
