// A server whose banner and EHLO carry HTML, JavaScript and ANSI escapes: the UI shows them as
// text in the live transcript, the evidence and the fact views, and runs nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, hostileScripts, type ScriptedServer } from '../support/hostile-server.js';
import { chromiumAvailable } from './support/chromium.js';
import { createEngagement, openNewAssessment, openServedApp, runAssessment, selectChecks, type ServedApp } from './support/ui-steps.js';

const HOSTILE_BANNER = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe.runIf(chromiumAvailable || process.env.CI)('a hostile server in the browser UI', () => {
  let server: ScriptedServer;
  let silent: ScriptedServer;
  let app: ServedApp;

  beforeAll(async () => {
    server = await startScriptedServer(hostileScripts['HTML/JS and ANSI in the banner']);
    silent = await startScriptedServer(hostileScripts['silence after connect']);
    app = await openServedApp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await server?.close();
    await silent?.close();
  });

  it('shows the banner as text and runs none of it', async () => {
    const { page, browser } = app;
    await createEngagement(page, { name: 'Hostile <b>server</b>', client: '<img src=x onerror=alert(3)>', authorizedBy: 'Lab' });
    await openNewAssessment(page);
    await page.getByRole('textbox', { name: 'Hosts', exact: true }).fill(`127.0.0.1:${server.port}`);
    await page.getByLabel('DNS resolver').fill('127.0.0.1:1');
    await selectChecks(page, ['ehlo']);
    await runAssessment(page, 60_000);
    // Live transcript: the markup verbatim, the ANSI escape made visible.
    const live = await page.getByLabel('Live transcript').innerText();
    expect(live).toContain(HOSTILE_BANNER);
    expect(live).toContain('\\x1b[31mRED');
    await browser.screenshot('20-hostile-assessment');

    await page.getByRole('button', { name: 'Open findings' }).click();
    await page.getByRole('tab', { name: 'EHLO' }).click();
    await expect.poll(() => page.locator('.banner-text').innerText()).toContain(HOSTILE_BANNER);
    const disclosure = page.getByRole('table', { name: 'Findings' }).locator('.finding-link').first();
    await disclosure.click();
    await expect.poll(() => page.getByLabel('Evidence transcript').innerText()).toContain(HOSTILE_BANNER);
    await browser.screenshot('21-hostile-findings');

    // Nothing of it became DOM: no injected element, and no alert() dialog (the payloads' effect).
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(browser.dialogs).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it('cancels a run stuck on a silent server', async () => {
    const { page, browser } = app;
    await page.keyboard.press('Alt+2');
    await page.getByRole('textbox', { name: 'Hosts', exact: true }).fill(`127.0.0.1:${silent.port}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const progress = page.getByRole('table', { name: 'Check progress' });
    await expect.poll(() => progress.locator('tr[data-check="ehlo"] .status').innerText()).toBe('running');
    const cancelledAt = Date.now();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => page.getByText(/^Cancelled: what finished is saved/).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(Date.now() - cancelledAt).toBeLessThan(10_000); // the reply timeout (30 s) did not end it
    await expect.poll(() => progress.locator('tr[data-check="ehlo"] .status').innerText()).toBe('error');
    await browser.screenshot('22-assessment-cancelled');
  });
});
