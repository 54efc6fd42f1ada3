// The JSON Schema of the assessment file, derived from the zod model so the two cannot drift.
import { z } from 'zod';
import { AssessmentSchema, SCHEMA_VERSION } from './assessment.js';

export function assessmentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(AssessmentSchema, { target: 'draft-2020-12', io: 'output' }),
    $id: `https://mxaudit.invalid/schema/assessment-v${SCHEMA_VERSION}.json`,
    title: 'mxaudit assessment',
  };
}
