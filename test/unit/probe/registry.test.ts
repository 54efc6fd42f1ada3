// Conformance: the registry, the files in main/probe/checks and the tests stay in step,
// and every outcome carries what a report needs.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../main/probe/registry.js';
import { severities } from '../../../shared/assessment.js';

const root = resolve(import.meta.dirname, '../../..');
const checkFiles = readdirSync(resolve(root, 'main/probe/checks')).filter((f) => f.endsWith('.ts'));
const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(resolve(dir, e.name)) : [e.name]));
const allTests = testFiles(resolve(root, 'test'));

describe('check registry', () => {
  it('lists every file in main/probe/checks, and nothing else', () => {
    expect(registry.map((c) => `${c.id}.ts`).sort()).toEqual(checkFiles.sort());
  });

  it('has unique ids', () => {
    expect(new Set(registry.map((c) => c.id)).size).toBe(registry.length);
  });

  it.each(registry.map((c) => [c.id, c] as const))('%s: outcomes are complete and ids are well formed', (_id, check) => {
    expect(check.title.length).toBeGreaterThan(5);
    expect(check.timeoutMs).toBeGreaterThan(0);
    const outcomes = Object.entries(check.outcomes);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const [findingId, o] of outcomes) {
      // Finding ids name the area of the problem, which need not be the check's category
      // (reverse-dns raises smtp.banner-hostname-mismatch).
      expect(findingId).toMatch(/^(smtp|dns|tls|spf|dmarc|mtasts|tlsrpt)\.[a-z0-9-]+$/);
      expect(severities).toContain(o.severity);
      expect(o.title.length).toBeGreaterThan(5);
      expect(o.description.length).toBeGreaterThan(20);
      expect(o.remediation.length).toBeGreaterThan(10);
    }
  });

  it.each(registry.map((c) => c.id))('%s has a test of its own', (id) => {
    expect(allTests).toContain(`${id}.test.ts`);
  });

  it('finding ids are unique across checks (they are a public contract)', () => {
    const ids = registry.flatMap((c) => Object.keys(c.outcomes));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
