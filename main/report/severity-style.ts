// Severity colours shared by the PDF and HTML reports (badge background, badge text).
import type { ComparisonVerdict, Severity } from '../../shared/assessment.js';

export const severityColour: Record<Severity, { bg: string; fg: string }> = {
  critical: { bg: '#7f1d1d', fg: '#ffffff' },
  high: { bg: '#dc2626', fg: '#ffffff' },
  medium: { bg: '#ea580c', fg: '#ffffff' },
  low: { bg: '#facc15', fg: '#1f2937' },
  info: { bg: '#2563eb', fg: '#ffffff' },
};

export const verdictColour: Record<ComparisonVerdict, string> = {
  same: '#15803d',
  stronger: '#15803d',
  weaker: '#dc2626',
  'not-comparable': '#6b7280',
};
