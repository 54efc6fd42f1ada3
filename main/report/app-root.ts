// Finds files shipped beside the code (assets/fonts). The code runs from sources (vitest, tsx),
// from the CLI bundle (out/main/, out/main/chunks/) and from the packaged app, so the root is
// found by walking up to the package.json named mxaudit rather than by a fixed relative path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

export function appRoot(start: string = import.meta.dirname): string {
  if (cached) return cached;
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isMxaudit(pkg)) return (cached = dir);
    if (dirname(dir) === dir) throw new Error(`mxaudit's package.json not found above ${start}`);
  }
}

function isMxaudit(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === 'mxaudit';
  } catch {
    return false;
  }
}

export const fontFile = (name: string): string => join(appRoot(), 'assets', 'fonts', name);
