// The pregreet gate: who waits before the greeting, and for how long a client that passed is
// remembered (postscreen's greet TTL). The clock is a parameter, so expiry is exact.
import { describe, expect, it } from 'vitest';
import { EarlyTalkerSchema, earlyTalkerGate } from '../../../main/gateway/connection/early-talker.js';

describe('early-talker gate', () => {
  it('defaults: 1 s wait on first contact, passed clients greeted at once for a day, internal never tested', () => {
    const cfg = EarlyTalkerSchema.parse({});
    expect(cfg).toEqual({ greetWaitMs: 1000, action: 'disconnect', passTtlSeconds: 86_400, skipInternal: true });
    let t = 0;
    const gate = earlyTalkerGate(cfg, ['127.0.0.1'], () => t);
    expect(gate.greetWaitMs('192.0.2.1')).toBe(1000);
    expect(gate.greetWaitMs('127.0.0.1')).toBe(0);
    expect(gate.greetWaitMs('::ffff:127.0.0.1')).toBe(0);
    gate.passed('192.0.2.1');
    t = 86_400_000 - 1;
    expect(gate.greetWaitMs('192.0.2.1')).toBe(0);
    t = 86_400_000;
    expect(gate.greetWaitMs('192.0.2.1')).toBe(1000);
    expect(gate.remembered()).toBe(0); // the expired pass is forgotten
  });

  it('passTtlSeconds 0 tests every connection; skipInternal false tests internal clients too', () => {
    const gate = earlyTalkerGate(EarlyTalkerSchema.parse({ greetWaitMs: 200, passTtlSeconds: 0, skipInternal: false }), ['127.0.0.1']);
    gate.passed('127.0.0.1');
    expect(gate.greetWaitMs('127.0.0.1')).toBe(200);
    expect(gate.remembered()).toBe(0);
  });

  it('greetWaitMs 0 turns the test off', () => {
    expect(earlyTalkerGate(EarlyTalkerSchema.parse({ greetWaitMs: 0 }), []).greetWaitMs('192.0.2.1')).toBe(0);
  });

  it('rejects settings out of range', () => {
    expect(EarlyTalkerSchema.safeParse({ greetWaitMs: 60_000 }).success).toBe(false);
    expect(EarlyTalkerSchema.safeParse({ action: 'drop' }).success).toBe(false);
  });
});
