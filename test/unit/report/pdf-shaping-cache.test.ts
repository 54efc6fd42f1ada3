// The per-word shaping cache must give react-pdf the glyphs and positions that shaping the whole
// run gives, for the shipped fonts and the scripts a server may send.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Font } from '@react-pdf/renderer';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfReport } from '../../../main/report/pdf/pdf-report.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { assessment, finding } from './assessment-fixture.js';
import { MONO, registerFonts, SANS } from '../../../main/report/pdf/pdf-fonts.js';
import { cacheWordShaping, loadWithWordCache } from '../../../main/report/pdf/pdf-shaping-cache.js';
import { fontFile } from '../../../main/report/app-root.js';

interface Run {
  glyphs: { id: number }[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
}
type Shaper = { layout: (t: string, f?: unknown, s?: string, l?: string, d?: string) => Run; mxauditWordCache?: Map<string, Run> };

const samples = [
  'AVATAR Wave, To Yo. "quoted" — fi fl ffi',
  '  leading and  double  spaces ',
  // One script per sample: react-pdf's script itemizer hands fontkit one run per script.
  'Почта почтовый сервер',
  'Ωμέγα άλφα',
  'Ĳssel Zoë Łukasiewicz',
  'e\u0301 a\u0308 n\u0303 combining marks',
  'مرحبا بالعالم عربي',
  'שלום עולם',
  '250-mx.lab.test <relaytest@example.com> ── └ │',
  'x'.repeat(300),
];

/** A second, unwrapped copy of a font from a fresh store, to compare with. */
async function plainFont(src: string): Promise<Shaper> {
  const store = new (Font.constructor as new () => typeof Font)();
  store.register({ family: 'plain', src });
  await store.load({ fontFamily: 'plain' });
  return store.getFont({ fontFamily: 'plain' })!.data as unknown as Shaper;
}

const shape = (f: Shaper, t: string) => {
  const r = f.layout(t, [], undefined, undefined, 'ltr');
  return { ids: r.glyphs.map((g) => g.id), pos: r.positions.map((p) => [p.xAdvance, p.yAdvance, p.xOffset, p.yOffset]) };
};

const dir = mkdtempSync(join(tmpdir(), 'mxaudit-shaping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every word of a PDF with its box, as pdftotext sees it. */
function words(pdf: Buffer, name: string): string[] {
  writeFileSync(join(dir, name), pdf);
  return execFileSync('pdftotext', ['-bbox', join(dir, name), '-']).toString('utf8').split('\n').filter((l) => l.includes('<word'));
}

describe('per-word shaping cache', () => {
  it('a second report in the same process comes out the same (the PDF library scales positions it gets in place)', async () => {
    const model = buildReportModel(
      assessment([finding({ id: 'smtp.open-relay', severity: 'high', description: 'Wave AVATAR To. '.repeat(30) }), finding({ id: 'smtp.vrfy', severity: 'low' })]),
      { meta: { client: 'Ĳssel Mail GmbH' } },
    );
    const first = words(await pdfReport(model), 'first.pdf');
    const second = words(await pdfReport(model), 'second.pdf');
    expect(first.length).toBeGreaterThan(100);
    expect(second).toEqual(first);
  }, 60_000);

  it.each([
    [SANS, 400, 'DejaVuSans.ttf'],
    [SANS, 700, 'DejaVuSans-Bold.ttf'],
    [MONO, 400, 'DejaVuSansMono.ttf'],
  ])('%s %i: same glyphs and positions as shaping the whole run', async (family, weight, file) => {
    registerFonts();
    await loadWithWordCache([{ fontFamily: family, fontWeight: weight }]);
    const cached = Font.getFont({ fontFamily: family, fontWeight: weight })!.data as unknown as Shaper;
    expect(cached.mxauditWordCache).toBeInstanceOf(Map);
    const plain = await plainFont(fontFile(file));
    expect(plain.mxauditWordCache).toBeUndefined();
    for (const t of samples) {
      expect(shape(cached, t), t).toEqual(shape(plain, t));
      expect(shape(cached, t), `${t} (from the cache)`).toEqual(shape(plain, t));
    }
  });

  it('wraps once, passes other calls through, and stays bounded', async () => {
    const plain = await plainFont(fontFile('DejaVuSans.ttf'));
    const calls: string[] = [];
    const inner = plain.layout.bind(plain);
    plain.layout = (t, ...rest) => (calls.push(t), inner(t, ...rest));
    cacheWordShaping(plain);
    const wrapped = plain.layout;
    cacheWordShaping(plain);
    expect(plain.layout).toBe(wrapped);
    plain.layout('one two one two', []);
    expect(calls).toEqual(['one ', 'two ', 'two']);
    plain.layout('one two', ['smcp']);
    expect(calls.at(-1)).toBe('one two');
    for (let i = 0; i < 20_500; i++) plain.layout(`w${i}`, []);
    expect(plain.mxauditWordCache!.size).toBeLessThanOrEqual(20_000);
  });
});
