// Target vs reference, check by check. Placeholder until the lab issue lands: the owner of
// main/compare/ replaces this file and keeps the signature.
import type { Assessment, ComparisonRow } from '../../shared/assessment.js';

export function compareAssessments(_target: Assessment, _reference: Assessment): ComparisonRow[] {
  return [];
}
