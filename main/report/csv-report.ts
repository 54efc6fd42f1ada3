// CSV: one row per finding, most severe first (RFC 4180: CRLF, quotes doubled). Spreadsheet
// safe: a cell that starts like a formula (= + - @, after blanks too; tab, CR) gets a leading apostrophe so
// Excel, LibreOffice and Sheets show it as text instead of evaluating it.
import type { Assessment } from '../../shared/assessment.js';
import { sortFindings } from './report-model.js';
import { safeBlock, safeLine } from './safe-text.js';

/** Below Excel's 32,767-character cell limit. */
const MAX_CELL_CHARS = 30_000;
const EXCERPT_LINES = 20;

export const csvColumns = ['ref', 'severity', 'id', 'title', 'host', 'port', 'address', 'check', 'description', 'remediation', 'references', 'evidence'] as const;

export function neutralise(cell: string): string {
  return /^\s*[=+\-@]|^[\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function csvCell(value: unknown): string {
  const text = neutralise(String(value ?? '')).slice(0, MAX_CELL_CHARS);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvReport(a: Assessment): string {
  const sorted = sortFindings(a.findings);
  const width = Math.max(2, String(sorted.length).length);
  const rows = sorted.map((f, i) => [
    `F-${String(i + 1).padStart(width, '0')}`,
    f.severity,
    safeLine(f.id, 80),
    safeLine(f.title),
    safeLine(f.host, 300),
    f.port,
    safeLine(f.address ?? '', 100),
    safeLine(f.checkId, 80),
    safeBlock(f.description),
    safeBlock(f.remediation),
    f.references.map((r) => safeLine(r)).join('; '),
    (f.evidence.transcript ?? []).slice(0, EXCERPT_LINES).map((l) => safeLine(l)).join('\n'),
  ]);
  // A BOM so that Excel reads the file as UTF-8.
  return `\uFEFF${[[...csvColumns], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
