// The JSON report: the assessment validated against the schema (unknown top-level keys dropped),
// with a stable key order: schema order for the keys the schema names, the others sorted. So
// the same assessment always gives the same bytes, whatever order its source wrote keys in.
import type { z } from 'zod';
import { AssessmentSchema, type Assessment } from '../../shared/assessment.js';

type Def = { type: string; shape?: Record<string, z.ZodType>; catchall?: z.ZodType; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType };

const defOf = (schema: z.ZodType | undefined): Def | undefined => {
  let def = schema?._zod.def as Def | undefined;
  while (def?.innerType && ['optional', 'nullable', 'default', 'catch', 'readonly', 'nonoptional'].includes(def.type)) def = def.innerType._zod.def as Def;
  return def;
};

export function orderKeys(value: unknown, schema?: z.ZodType): unknown {
  const def = defOf(schema);
  if (Array.isArray(value)) return value.map((v) => orderKeys(v, def?.type === 'array' ? def.element : undefined));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const known = def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  for (const k of known) if (k in obj) out[k] = orderKeys(obj[k], def!.shape![k]);
  const extraSchema = def?.type === 'object' ? def.catchall : def?.type === 'record' ? def.valueType : undefined;
  for (const k of Object.keys(obj).filter((k) => !known.includes(k)).sort()) out[k] = orderKeys(obj[k], extraSchema);
  return out;
}

/** Throws a ZodError naming the path when the assessment does not match the schema. */
export function jsonReport(assessment: unknown): string {
  const valid: Assessment = AssessmentSchema.parse(assessment);
  return `${JSON.stringify(orderKeys(valid, AssessmentSchema), null, 2)}\n`;
}
