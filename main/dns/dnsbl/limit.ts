// At most `limit` tasks at once, started in the order they were queued: a tester asking
// twenty block lists about one address should not burst sixty questions at a resolver.

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a new caller cannot slip in between.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
