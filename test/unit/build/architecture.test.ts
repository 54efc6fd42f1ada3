// Layering rules of docs/architecture: electron only in main/app and the preload; shared/ pure.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const sources = (dir: string): string[] =>
  readdirSync(resolve(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|tsx|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const imports = (file: string) => [...readFileSync(resolve(root, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('architecture', () => {
  it('only main/app and main/preload import electron', () => {
    const offenders = [...sources('main'), ...sources('shared'), ...sources('renderer/src')]
      .filter((f) => !f.startsWith('main/app/') && !f.startsWith('main/preload/'))
      .filter((f) => imports(f).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('shared/ imports no node built-ins, no DOM-only code and nothing from main/ or renderer/', () => {
    const offenders = sources('shared').flatMap((f) =>
      imports(f).filter((i) => i.startsWith('node:') || i.includes('/main/') || i.includes('/renderer/')).map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
