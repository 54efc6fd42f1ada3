import { describe, expect, it } from 'vitest';
import { estimateHarvest, FOUR_CHAR_ALIASES, humanDuration, type HarvestSample } from '../../../main/probe/harvest-estimate.js';

const unknown = (conn: number, ms: number[], code = 550): HarvestSample[] => ms.map((m, i) => ({ conn, kind: 'unknown', errorsBefore: i, ms: m, code }));

describe('estimateHarvest', () => {
  it('no defence: the rate is the plain reply time (the talk: minutes)', () => {
    const e = estimateHarvest([...unknown(0, Array(16).fill(1)), ...unknown(1, [1, 1, 1])], [5], 1);
    expect(e.facts.defence).toEqual({ delayed: false, delayAfter: null, perIp: false, tempfailAfter: null, disconnectAfter: null });
    expect(e.facts.enumerate4CharSeconds).toBe(Math.round(FOUR_CHAR_ALIASES / 1000));
    expect(e.explanation).toMatch(/about 28 minutes/);
  });

  it('a 5 s tarpit on every unknown recipient: months', () => {
    const e = estimateHarvest([...unknown(0, Array(4).fill(5000)), ...unknown(1, [5000])], [5], 1);
    expect(e.facts.defence.delayed).toBe(true);
    expect(e.facts.defence.perIp).toBe(true);
    expect(e.facts.enumerate4CharSeconds).toBe(FOUR_CHAR_ALIASES * 5);
    expect(e.explanation).toMatch(/3 months/);
  });

  it('a per-connection delay after 10 errors is evaded by reconnecting', () => {
    const long = unknown(0, [...Array(10).fill(1), ...Array(6).fill(1001)]);
    const e = estimateHarvest([...long, ...unknown(1, [1, 1, 1]), ...unknown(2, [1, 1, 1])], [10], 1);
    expect(e.facts.defence).toMatchObject({ delayed: true, delayAfter: 10, perIp: false });
    // (10 ms to reconnect + 10 fast guesses of 1 ms) / 10 guesses = 2 ms per guess.
    expect(e.facts.enumerate4CharSeconds).toBe(Math.round((FOUR_CHAR_ALIASES * 2) / 1000));
    expect(e.explanation).toMatch(/after 10 unknown recipients per connection/);
  });

  it('a disconnect after N errors is counted as the per-connection limit', () => {
    const samples = [...unknown(0, [1, 1, 1, 1]), { conn: 0, kind: 'disconnect', errorsBefore: 4, ms: 0, code: 0 } as HarvestSample];
    const e = estimateHarvest(samples, [4], 1);
    expect(e.facts.defence.disconnectAfter).toBe(4);
    expect(e.facts.enumerate4CharSeconds).toBe(Math.round((FOUR_CHAR_ALIASES * 2) / 1000));
  });
});

describe('humanDuration', () => {
  it('picks a readable unit', () => {
    expect(humanDuration(30)).toBe('30 seconds');
    expect(humanDuration(20 * 60)).toBe('20 minutes');
    expect(humanDuration(97 * 86400)).toBe('3 months');
  });
});
