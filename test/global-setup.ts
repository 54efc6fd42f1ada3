// The CLI tests run the built bundle, as users do. Build it once when it is missing
// (npm install / npm ci build it through the prepare script).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  if (!existsSync(resolve(root, 'out/main/cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
