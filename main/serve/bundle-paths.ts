// Where the built app lives (out/: renderer/ and main/gateway-host.js), found from this
// module's own location: the CLI bundle puts lazily loaded commands in out/main/chunks/, and
// tests run the sources, so walk up until it is found.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findBuiltApp(from = import.meta.dirname): { outDir: string; rendererDir: string; gatewayEntry: string } {
  for (let d = from; ; d = dirname(d)) {
    for (const out of [d, join(d, 'out')]) {
      const rendererDir = join(out, 'renderer');
      const gatewayEntry = join(out, 'main', 'gateway-host.js');
      if (existsSync(join(rendererDir, 'index.html')) && existsSync(gatewayEntry)) return { outDir: out, rendererDir, gatewayEntry };
    }
    if (dirname(d) === d) throw new Error('the app is not built: run "npm run build" (out/renderer and out/main/gateway-host.js are missing)');
  }
}
