import { describe, expect, it } from 'vitest';
import { csvCell, csvColumns, csvReport, neutralise } from '../../../main/report/csv-report.js';
import { assessment, finding } from './assessment-fixture.js';

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else if (c === '\r' || c === '\n' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else field += c;
  }
  if (field || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('CSV report', () => {
  it.each(['=HYPERLINK("http://evil.test","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tcmd', '\rcmd', '  =1+1'])('neutralises a cell starting like a formula: %j', (text) => {
    expect(neutralise(text)).toBe(`'${text}`);
  });

  it.each(['250 2.1.5 Ok', 'smtp.open-relay', '', 'a=b', "'quoted"])('leaves ordinary text alone: %j', (text) => {
    expect(neutralise(text)).toBe(text);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('one row per finding, most severe first, every cell formula-safe and control characters visible', () => {
    const hostileTitle = '=cmd|\' /C calc\'!A0';
    const a = assessment([
      finding({ id: 'smtp.legacy-extensions', severity: 'low' }),
      finding({ id: 'smtp.open-relay', severity: 'critical', title: hostileTitle, description: '@evil, "quoted"\r\nnext \x1b[31mred' }),
      finding({ id: 'smtp.auth-exposed', severity: 'medium', host: '-mx.example.test' }),
    ]);
    const text = csvReport(a);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual([...csvColumns]);
    expect(rows).toHaveLength(4);
    const col = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
    expect(rows.slice(1).map((r) => r[col('id')])).toEqual(['smtp.open-relay', 'smtp.auth-exposed', 'smtp.legacy-extensions']);
    expect(rows[1][col('ref')]).toBe('F-01');
    expect(rows[1][col('title')]).toBe(`'${hostileTitle}`);
    expect(rows[1][col('description')]).toBe(`'@evil, "quoted"\nnext \\x1b[31mred`);
    expect(rows[2][col('host')]).toBe("'-mx.example.test");
    for (const cell of rows.slice(1).flat()) expect(cell).not.toMatch(/^\s*[=+\-@]|^[\t\r]/);
    expect(rows[1][col('evidence')]).toContain('<- 220 mx.example.test ESMTP');
  });
});
