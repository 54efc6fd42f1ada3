import { describe, expect, it } from 'vitest';
import { PDF_LINES_PER_TRANSCRIPT, PDF_TRANSCRIPT_BUDGET, pdfTranscripts } from '../../../main/report/pdf/pdf-appendices.js';

const transcript = (ref: string, n: number) => ({ ref, title: ref, findings: ['F-01'], lines: Array.from({ length: n }, (_, i) => `0.${i} <- 250 ok`) });

describe('PDF transcript budget', () => {
  it('keeps short transcripts whole, cuts long ones and the total, and says where the rest is', () => {
    const all = [transcript('A-1', 10), transcript('A-2', PDF_LINES_PER_TRANSCRIPT + 50), ...Array.from({ length: 20 }, (_, i) => transcript(`A-${i + 3}`, 100))];
    const cut = pdfTranscripts(all);
    expect(cut[0]).toBe(all[0]);
    expect(cut[1].lines).toHaveLength(PDF_LINES_PER_TRANSCRIPT + 1);
    expect(cut[1].lines.at(-1)).toBe('[50 more lines of this transcript are in the HTML and JSON reports]');
    const printed = cut.reduce((n, t) => n + t.lines.filter((l) => !l.startsWith('[')).length, 0);
    expect(printed).toBe(PDF_TRANSCRIPT_BUDGET);
    expect(cut.at(-1)!.lines).toEqual(['[100 more lines of this transcript are in the HTML and JSON reports]']);
    expect(cut.map((t) => t.ref)).toEqual(all.map((t) => t.ref));
  });
});
