// A request the UI reported failed (the connection was lost) never runs later: the page talks to
// `mxaudit serve` through a loopback proxy the test can cut; a "Create engagement" clicked while
// the connection is down fails, and after the reconnect the engagement was not created.
import net from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';
import { chromiumAvailable, openBrowser, type Browser } from './support/chromium.js';

/** Forwards to serve, rewriting Host and Origin to serve's own; `refuse` cuts every connection. */
function startProxy(target: number) {
  let refuse = false;
  const live = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (refuse) return void client.destroy();
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    live.add(client);
    client.on('close', () => (live.delete(client), upstream.destroy()));
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
    const own = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    client.on('data', (d) => upstream.write(Buffer.from(d.toString('latin1').replaceAll(`Host: ${own}`, `Host: 127.0.0.1:${target}`).replaceAll(`Origin: http://${own}`, `Origin: http://127.0.0.1:${target}`), 'latin1')));
    upstream.pipe(client);
  });
  return {
    server,
    listening: new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as net.AddressInfo).port))),
    cut() {
      refuse = true;
      for (const s of live) s.destroy();
    },
    restore() {
      refuse = false;
    },
    close: () => new Promise<void>((ok) => (server.close(() => ok()), [...live].forEach((s) => s.destroy()))),
  };
}

describe.runIf(chromiumAvailable || process.env.CI)('the browser UI across a lost connection', () => {
  let serve: ServeProcess;
  let proxy: ReturnType<typeof startProxy>;
  let browser: Browser;

  beforeAll(async () => {
    serve = await startServeProcess();
    proxy = startProxy(serve.port);
    const port = await proxy.listening;
    browser = await openBrowser(`http://127.0.0.1:${port}/#token=${serve.token}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await serve?.stop();
  });

  it('does not run a request reported failed once it reconnects', async () => {
    const { page } = browser;
    const status = page.getByText('Disconnected: reconnecting...');
    await page.getByRole('button', { name: 'New engagement' }).click();
    await page.getByRole('textbox', { name: 'Engagement name' }).fill('Never created');
    await page.getByLabel('Client', { exact: true }).fill('C');
    await page.getByLabel('Authorized by').fill('B');
    proxy.cut();
    await expect.poll(() => status.isVisible(), { timeout: 10_000 }).toBe(true);
    // Queued while (re)connecting; that attempt is cut too, so it is reported failed.
    await page.getByRole('button', { name: 'Create engagement' }).click();
    await expect.poll(() => page.getByText(/connection to mxaudit was lost/).first().isVisible(), { timeout: 15_000 }).toBe(true);
    proxy.restore();
    await expect.poll(() => status.isVisible(), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => page.getByText(/Connecting/).isVisible(), { timeout: 15_000 }).toBe(false);
    // Connected again: give a replayed frame time to arrive, then look at what serve stored.
    await page.waitForTimeout(1000);
    const dir = join(serve.dataDir, 'engagements');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    // The same request made now runs, once.
    await page.getByRole('button', { name: 'Create engagement' }).click();
    await expect.poll(() => (existsSync(dir) ? readdirSync(dir).length : 0), { timeout: 10_000 }).toBe(1);
  }, 60_000);
});
