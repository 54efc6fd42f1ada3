import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { jsonReport, orderKeys } from '../../../main/report/json-report.js';
import { AssessmentSchema } from '../../../shared/assessment.js';
import { assessment, finding } from './assessment-fixture.js';

/** The same data with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

describe('JSON report', () => {
  const a = assessment([finding({ id: 'smtp.open-relay', severity: 'critical', evidence: { zeta: 1, alpha: { b: 2, a: 1 }, transcript: ['x'] } })], {
    facts: { relay: undefined, custom: { z: 1, a: 2 } } as never,
    engagement: { name: 'Q4', client: 'ACME' },
  });

  it('is valid against the schema, schemaVersion first, and the same bytes whatever the input key order', () => {
    const out = jsonReport(a);
    const parsed = JSON.parse(out);
    expect(AssessmentSchema.safeParse(parsed).success).toBe(true);
    expect(Object.keys(parsed).slice(0, 3)).toEqual(['schemaVersion', 'tool', 'target']);
    expect(jsonReport(reversedKeys(a))).toBe(out);
    // Keys the schema does not name are sorted, at every depth.
    expect(Object.keys(parsed.findings[0].evidence)).toEqual(['transcript', 'alpha', 'zeta']);
    expect(Object.keys(parsed.findings[0].evidence.alpha)).toEqual(['a', 'b']);
    expect(parsed.engagement).toEqual({ name: 'Q4', client: 'ACME' });
  });

  it('drops keys the schema does not know at the top level (e.g. the engine\'s unreachable list)', () => {
    expect(JSON.parse(jsonReport({ ...a, unreachable: [] }))).not.toHaveProperty('unreachable');
  });

  it('refuses an invalid assessment with the path of the problem', () => {
    const bad = { ...a, findings: [{ ...a.findings[0], severity: 'severe' }] };
    expect(() => jsonReport(bad)).toThrow(ZodError);
    try {
      jsonReport(bad);
    } catch (err) {
      expect((err as ZodError).issues[0].path).toEqual(['findings', 0, 'severity']);
    }
  });

  it('orderKeys keeps arrays in order and leaves primitives alone', () => {
    expect(orderKeys([{ b: 1, a: 2 }, 3, 'x', null])).toEqual([{ a: 2, b: 1 }, 3, 'x', null]);
    expect(JSON.stringify(orderKeys({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });
});
