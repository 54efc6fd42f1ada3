// What the browser tests do the same way: `mxaudit serve` with Chromium on its URL, and the
// consultant's first steps (an engagement, an assessment with chosen checks, Run).
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startServeProcess, type ServeProcess } from './serve-process.js';
import { openBrowser, type Browser } from './chromium.js';

export interface ServedApp {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** The built `mxaudit serve` and Chromium on its URL (token included). */
export async function openServedApp(): Promise<ServedApp> {
  const serve = await startServeProcess();
  try {
    const browser = await openBrowser(serve.url);
    return {
      serve,
      browser,
      page: browser.page,
      async close() {
        await browser.close();
        await serve.stop();
      },
    };
  } catch (err) {
    await serve.stop();
    throw err;
  }
}

export async function createEngagement(page: Page, e: { name: string; client: string; authorizedBy: string }): Promise<void> {
  await page.getByRole('button', { name: 'New engagement' }).click();
  await page.getByRole('textbox', { name: 'Engagement name' }).fill(e.name);
  await page.getByLabel('Client', { exact: true }).fill(e.client);
  await page.getByLabel('Authorized by').fill(e.authorizedBy);
  await page.getByRole('button', { name: 'Create engagement' }).click();
  // Opened: until then the only "New assessment" button is the screen bar's, without the engagement.
  await expect.poll(() => page.getByRole('heading', { name: e.name, exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
}

/** From the open engagement (its detail panel's button): the New assessment form, for it. */
export async function openNewAssessment(page: Page): Promise<void> {
  await page.getByRole('main').getByRole('button', { name: 'New assessment' }).click();
  await expect.poll(() => page.getByRole('heading', { name: /^New assessment for / }).isVisible(), { timeout: 15_000 }).toBe(true);
}

/** Ticks exactly these checks in the check picker. */
export async function selectChecks(page: Page, ids: string[]): Promise<void> {
  await page.getByRole('button', { name: 'None' }).click();
  for (const id of ids) await page.getByRole('checkbox', { name: new RegExp(`^${id}( active)?$`) }).check();
}

/** Run, then wait for the run to finish. */
export async function runAssessment(page: Page, timeoutMs: number): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => page.getByText('Finished.').isVisible(), { timeout: timeoutMs }).toBe(true);
}
