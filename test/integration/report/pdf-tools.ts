// Reading real PDFs in tests with poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm), and the
// outline (bookmarks) from the file itself: react-pdf writes PDF 1.3, so outline items are
// plain objects with /Parent and /Title.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const reportArtifacts = resolve(import.meta.dirname, '../../../test-artifacts/report');

/** The text, whitespace collapsed, so wrapped lines compare as one. */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8').replace(/\s+/g, ' ');
}

/** The text with the page layout kept (pdftotext -layout): a table row starts a line, its cells in column order. */
export function pdfLayoutText(file: string): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
}

export function pdfPages(file: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file]).toString());
  if (!m) throw new Error('pdfinfo: no page count');
  return Number(m[1]);
}

/** Font names and whether each is embedded (pdffonts' "emb" column). */
export function pdfFonts(file: string): { name: string; embedded: boolean }[] {
  const lines = execFileSync('pdffonts', [file]).toString().split('\n');
  const embAt = lines[0].indexOf('emb');
  return lines.slice(2).filter(Boolean).map((l) => ({ name: l.split(/\s+/)[0], embedded: l.slice(embAt, embAt + 3).trim() === 'yes' }));
}

/** Renders every page to PNG; keeps the first `keep` as artifacts; returns how many rendered. */
export function renderPages(file: string, artifactName: string, keep = 3): number {
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-pdftoppm-'));
  try {
    execFileSync('pdftoppm', ['-r', '40', '-png', file, join(dir, 'page')], { timeout: 120_000 });
    const pngs = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    for (const png of pngs) {
      const data = readFileSync(join(dir, png));
      if (!data.subarray(1, 4).equals(Buffer.from('PNG')) || data.length < 200) throw new Error(`${png}: not a rendered PNG`);
    }
    mkdirSync(reportArtifacts, { recursive: true });
    pngs.slice(0, keep).forEach((png, i) => copyFileSync(join(dir, png), join(reportArtifacts, `${artifactName}-page-${i + 1}.png`)));
    return pngs.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function decodePdfString(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const n = raw[++i];
    const oct = /^[0-7]{1,3}/.exec(raw.slice(i));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += oct[0].length - 1;
    } else bytes.push(({ n: 10, r: 13, t: 9, b: 8, f: 12 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  const buf = Buffer.from(bytes);
  if (buf[0] === 0xfe && buf[1] === 0xff) return buf.subarray(2).swap16().toString('utf16le');
  return buf.toString('latin1');
}

export function pdfOutline(file: string): string[] {
  const text = readFileSync(file).toString('latin1');
  const titles: string[] = [];
  for (const m of text.matchAll(/\d+ 0 obj\s*<<([\s\S]*?)>>\s*endobj/g)) {
    if (!m[1].includes('/Parent')) continue;
    const t = /\/Title \(((?:\\[\s\S]|[^\\)])*)\)/.exec(m[1]);
    if (t) titles.push(decodePdfString(t[1]));
  }
  return titles;
}
