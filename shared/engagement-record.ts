// An engagement as the app keeps it: who the work is for and who authorized which hosts.
// Pure zod, shared by main (validation, storage) and the renderer (forms).
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);

export const EngagementInputSchema = z.object({
  name: text(200).min(1, 'give the engagement a name'),
  client: text(200).min(1, 'give the client'),
  consultant: text(200).default(''),
  /** What is in scope, in the consultant's words. */
  scope: text(4000).default(''),
  authorization: z.object({
    by: text(200).min(1, 'who authorized the tests?'),
    /** ISO date (YYYY-MM-DD) of the authorization. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-12-03'),
    hosts: z.array(text(300).min(1)).max(500).default([]),
  }),
});
export type EngagementInput = z.input<typeof EngagementInputSchema>;

export const EngagementRecordSchema = EngagementInputSchema.extend({
  id: z.string().regex(/^[a-z0-9-]{6,64}$/),
  createdAt: z.string(),
});
export type EngagementRecord = z.output<typeof EngagementRecordSchema>;

/** One line of an engagement's assessment list. */
export const AssessmentSummarySchema = z.object({
  id: z.string(),
  engagementId: z.string(),
  target: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  findings: z.number().int(),
  worst: z.string().nullable(),
  cancelled: z.boolean(),
});
export type AssessmentSummary = z.output<typeof AssessmentSummarySchema>;

export const idSchema = z.string().regex(/^[a-z0-9-]{6,64}$/, 'not an id');
