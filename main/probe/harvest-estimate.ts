// From timing samples to "how long would an attacker need for every 4-character alias".
// Pure arithmetic, kept apart from the SMTP conversation so it can be tested on its own.

export interface HarvestSample {
  /** 0 = the long connection, 1.. = fresh connections. */
  conn: number;
  kind: 'unknown' | 'valid' | 'disconnect';
  /** Errors the server had seen in this connection before this sample. */
  errorsBefore: number;
  ms: number;
  code: number;
}

/** 36^4: every alias of four characters from a-z0-9, the talk's yardstick. */
export const FOUR_CHAR_ALIASES = 36 ** 4;
/** A reply this much slower than the server's normal latency is a deliberate delay. */
const DELAY_MS = 400;

export interface HarvestEstimate {
  facts: {
    unknownMedianMs: number | null;
    unknownSpreadMs: number | null;
    validMedianMs: number | null;
    defence: { delayed: boolean; delayAfter: number | null; perIp: boolean; tempfailAfter: number | null; disconnectAfter: number | null };
    ratePerSecond: number | null;
    enumerate4CharSeconds: number | null;
  };
  explanation: string;
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `baselineMs`: the server's normal reply time (its MAIL replies), so that a delay applied to
 * every unknown recipient from the first one is still seen as a delay.
 */
export function estimateHarvest(samples: HarvestSample[], connectCostsMs: number[], baselineMs: number): HarvestEstimate {
  const unknown = samples.filter((s) => s.kind === 'unknown');
  const valid = samples.filter((s) => s.kind === 'valid');
  const unknownMs = unknown.map((s) => s.ms);
  const fastest = Math.min(baselineMs, ...unknownMs, ...valid.map((s) => s.ms));
  const isDelayed = (s: HarvestSample) => s.ms - fastest >= DELAY_MS;
  const long = unknown.filter((s) => s.conn === 0);
  const firstDelayed = long.find(isDelayed);
  const fresh = unknown.filter((s) => s.conn > 0);
  const freshFirsts = [...new Set(fresh.map((s) => s.conn))].map((c) => fresh.find((s) => s.conn === c)!);
  // A limit per IP shows in fresh connections too: their first unknown recipient is already slowed or refused.
  const perIp = freshFirsts.length > 0 && freshFirsts.every((s) => isDelayed(s) || (s.code >= 400 && s.code < 500));
  const firstTemp = long.find((s) => s.code >= 400 && s.code < 500);
  const disconnect = samples.find((s) => s.kind === 'disconnect' && s.conn === 0) ?? (long.find((s) => s.code === 421) ? { errorsBefore: long.find((s) => s.code === 421)!.errorsBefore } : undefined);

  const delayAfter = firstDelayed ? firstDelayed.errorsBefore : null;
  const tempfailAfter = firstTemp ? firstTemp.errorsBefore : null;
  const disconnectAfter = disconnect ? disconnect.errorsBefore : null;
  const fast = median(unknown.filter((s) => !isDelayed(s) && s.code >= 500).map((s) => s.ms));
  const slow = median(unknown.filter(isDelayed).map((s) => s.ms));
  const connectCost = median(connectCostsMs) ?? 0;

  // Seconds per guess for the cheapest strategy the attacker has against what we observed.
  let perGuessMs: number | null;
  let how: string;
  const limits = [delayAfter, tempfailAfter, disconnectAfter].filter((x): x is number => x !== null);
  const k = limits.length ? Math.min(...limits) : null;
  if (perIp || k === 0) {
    perGuessMs = slow ?? null;
    how = perIp
      ? `the defence follows the client IP across connections (${slow !== null ? `${Math.round(slow)} ms per unknown recipient` : 'refused'})`
      : `every unknown recipient is delayed (${Math.round(slow ?? 0)} ms)`;
  } else if (k !== null && fast !== null) {
    perGuessMs = (connectCost + k * fast) / k;
    const kind = k === delayAfter ? 'delays replies' : k === tempfailAfter ? 'answers 4xx' : 'disconnects';
    how = `the server ${kind} after ${k} unknown recipients per connection, but a new connection (${Math.round(connectCost)} ms) starts afresh`;
  } else {
    perGuessMs = fast;
    how = 'no delay, 4xx or disconnect was seen';
  }
  const ratePerSecond = perGuessMs ? 1000 / perGuessMs : null;
  const enumerate4CharSeconds = perGuessMs !== null ? (FOUR_CHAR_ALIASES * perGuessMs) / 1000 : null;
  const explanation =
    enumerate4CharSeconds === null
      ? `Could not estimate the harvest rate: ${how}.`
      : `Measured ${ratePerSecond!.toFixed(ratePerSecond! < 10 ? 2 : 0)} guesses/s from one connection at a time (${how}): all ${FOUR_CHAR_ALIASES.toLocaleString('en-US')} four-character aliases take about ${humanDuration(enumerate4CharSeconds)}. The talk's yardstick: about 20 minutes with no delay, months with a 5 s delay.`;
  const spread = unknownMs.length ? Math.max(...unknownMs) - Math.min(...unknownMs) : null;
  return {
    facts: {
      unknownMedianMs: round(median(unknownMs)),
      unknownSpreadMs: round(spread),
      validMedianMs: round(median(valid.map((s) => s.ms))),
      defence: { delayed: delayAfter !== null || perIp, delayAfter, perIp, tempfailAfter, disconnectAfter },
      ratePerSecond: ratePerSecond === null ? null : Math.round(ratePerSecond * 100) / 100,
      enumerate4CharSeconds: enumerate4CharSeconds === null ? null : Math.round(enumerate4CharSeconds),
    },
    explanation,
  };
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export function humanDuration(seconds: number): string {
  const units: [number, string][] = [
    [365 * 86400, 'years'],
    [30 * 86400, 'months'],
    [86400, 'days'],
    [3600, 'hours'],
    [60, 'minutes'],
  ];
  for (const [size, name] of units) if (seconds >= 2 * size) return `${Math.round(seconds / size)} ${name}`;
  return `${Math.round(seconds)} seconds`;
}
