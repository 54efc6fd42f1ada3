// Small React hooks over the API: subscribe to an event for a component's life; call and keep
// the latest result with its error.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName, EventOf } from '../../shared/ipc-contract.js';
import { on } from './api.js';

export function useEvent<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => on(event, (p) => ref.current(p)), [event]);
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the load depends on
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, reload };
}
