import { execFileSync } from 'node:child_process';
import { it } from 'vitest';
import { findStored, header, startContentGateway } from '../../support/content-gateway.js';
it('same session', async () => {
  const g = await startContentGateway({ 'spam-filter': { gatewayAction: 'none' } });
  execFileSync('python3', ['/tmp/exp/s.py', String(g.gw.port)]);
  const a = findStored(g.store, 'marker-1')!, b = findStored(g.store, 'marker-2')!;
  console.log(a.folder, header(a.text, 'X-SCL'), header(a.text, 'Received'), b.folder, header(b.text, 'X-SCL'), header(b.text, 'Received'));
  await g.stop();
});
