#!/usr/bin/env node
// Launcher for `npx mxaudit`: runs the bundled CLI that `npm install` builds (prepare script).
import { existsSync } from 'node:fs';

// React's production build for react-pdf (the development build checks every element: ~7% of a
// PDF's render time).
process.env.NODE_ENV ??= 'production';

const entry = new URL('../../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mxaudit: the CLI is not built yet; run "npm run build" in the mxaudit folder.\n');
  process.exit(2);
}
const { run } = await import(entry.href);
await run();
