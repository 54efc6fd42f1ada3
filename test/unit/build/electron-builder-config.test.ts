// electron-builder cannot run here (no Electron binary), so its config is checked instead:
// against electron-builder's own JSON schema, and against what our build produces.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const config = yaml.load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema", () => {
    const schema = JSON.parse(readFileSync(resolve(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('ships the built entry points', () => {
    expect(config.extraMetadata.main).toBe(pkg.main);
    for (const entry of [pkg.main, 'out/preload/index.mjs', 'out/renderer/index.html']) expect(existsSync(resolve(root, entry)), entry).toBe(true);
  });

  it('pins electron exactly, as a dev dependency (electron-builder requires it there)', () => {
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies?.electron).toBeUndefined();
  });
});
