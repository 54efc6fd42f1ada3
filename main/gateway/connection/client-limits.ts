// Per-IP connection limits, like Postfix's anvil: connections open at once and connection
// attempts within a sliding window. Refused attempts count too, so a client hammering the
// gateway stays refused. Slots are held per session id: XCLIENT can present another client
// within the same session, and only the last one is released when the session ends.

export interface Limits {
  maxConnectionsPerIp: number;
  maxConnectionRatePerIp: number;
  rateWindowMs: number;
}

export interface ClientCounters {
  open: Map<string, number>;
  /** Session id -> the address holding a slot. */
  holder: Map<string, string>;
  /** Per address: times of the last attempts (at most the rate limit of them). */
  attempts: Map<string, number[]>;
  lastSweep: number;
}

export const newClientCounters = (): ClientCounters => ({ open: new Map(), holder: new Map(), attempts: new Map(), lastSweep: 0 });

/** Counts a connection of `ip`; returns why it is refused (holding no slot), or null. */
export function admit(c: ClientCounters, sessionId: string, ip: string, now: number, limits: Limits): string | null {
  release(c, sessionId);
  sweep(c, now, limits.rateWindowMs);
  const recent = [...(c.attempts.get(ip) ?? []), now].slice(-(limits.maxConnectionRatePerIp + 1));
  c.attempts.set(ip, recent);
  const open = c.open.get(ip) ?? 0;
  if (open >= limits.maxConnectionsPerIp) return `Too many connections from ${ip}`;
  // More attempts than the limit within the window: the oldest kept one is still in it.
  if (recent.length > limits.maxConnectionRatePerIp && now - recent[0] < limits.rateWindowMs) return `Too many connections from ${ip} in ${limits.rateWindowMs / 1000} s`;
  c.open.set(ip, open + 1);
  c.holder.set(sessionId, ip);
  return null;
}

export function release(c: ClientCounters, sessionId: string): void {
  const ip = c.holder.get(sessionId);
  if (ip === undefined) return;
  c.holder.delete(sessionId);
  const left = (c.open.get(ip) ?? 1) - 1;
  if (left > 0) c.open.set(ip, left);
  else c.open.delete(ip);
}

/** Forgets addresses not seen for a whole window, at most once per window. */
function sweep(c: ClientCounters, now: number, windowMs: number): void {
  if (now - c.lastSweep < windowMs) return;
  c.lastSweep = now;
  for (const [ip, times] of c.attempts) if (now - times[times.length - 1] >= windowMs) c.attempts.delete(ip);
}
