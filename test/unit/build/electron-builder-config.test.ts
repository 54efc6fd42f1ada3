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

  it('ships the built entry points and the runtime assets', () => {
    expect(config.extraMetadata.main).toBe(pkg.main);
    for (const entry of [pkg.main, 'out/main/gateway-host.js', 'out/preload/index.cjs', 'out/renderer/index.html']) expect(existsSync(resolve(root, entry)), entry).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*', 'assets/**/*', 'package.json']));
    expect(config.asar).toBe(true);
  });

  it('targets AppImage and deb, dmg, and nsis', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('mxaudit');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
  });

  it('loads the files the main process names: the preload (CommonJS, as a sandbox needs) and the gateway host', () => {
    const app = readFileSync(resolve(root, 'main/app/index.ts'), 'utf8');
    const preload = /filePath: join\(import\.meta\.dirname, '([^']+)'\)/.exec(app)?.[1];
    expect(preload).toBe('../preload/index.cjs');
    expect(existsSync(resolve(root, 'out/main', preload!))).toBe(true);
    expect(readFileSync(resolve(root, 'out/preload/index.cjs'), 'utf8')).not.toMatch(/^\s*(import|export)\s/m);
    const gateway = /join\(import\.meta\.dirname, '(gateway-host\.js)'\)/.exec(app)?.[1];
    expect(existsSync(resolve(root, 'out/main', gateway!))).toBe(true);
  });

  it('pins electron exactly, as a dev dependency (electron-builder requires it there)', () => {
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies?.electron).toBeUndefined();
  });
});
