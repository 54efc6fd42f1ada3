// The committed JSON Schema must be exactly what the zod model produces.
// Regenerate with `npm run schema` after changing shared/assessment.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessmentJsonSchema } from '../../../shared/assessment-json-schema.js';

const file = resolve(import.meta.dirname, '../../../shared/assessment.schema.json');

describe('shared/assessment.schema.json', () => {
  it('is up to date with the zod model', () => {
    const generated = `${JSON.stringify(assessmentJsonSchema(), null, 2)}\n`;
    if (process.env.MXAUDIT_WRITE_SCHEMA === '1') writeFileSync(file, generated);
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });
});
