import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot, fontFile } from '../../../main/report/app-root.js';

const repo = resolve(import.meta.dirname, '../../..');

describe('shipped assets', () => {
  it('finds the repo root from any folder below it (sources, out/main/chunks) and the fonts with their licence', () => {
    expect(appRoot(resolve(repo, 'out/main/chunks'))).toBe(repo);
    for (const font of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf']) {
      expect(existsSync(fontFile(font))).toBe(true);
      expect(readFileSync(fontFile(font)).subarray(0, 4).toString('hex')).toBe('00010000'); // TrueType
    }
    expect(readFileSync(resolve(repo, 'assets/fonts/LICENSE'), 'utf8')).toMatch(/Permission is hereby granted/);
  });
});
