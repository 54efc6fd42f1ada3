// A consultant's day in the browser UI (`mxaudit serve`, the built bundle, real Chromium, the
// real engine): create an engagement, assess a real Postfix, read findings and evidence,
// compare with the reference, export a PDF, run the gateway and watch a message arrive.
// Screenshots of every screen go to test-artifacts/browser/.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPostfix, type PostfixInstance } from '../support/postfix.js';
import { describePostfix } from '../support/probe-postfix.js';
import { swaks } from '../support/smtp-clients.js';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';
import { chromiumAvailable, openBrowser, type Browser } from './support/chromium.js';

const run = promisify(execFile);

describePostfix.runIf(chromiumAvailable || process.env.CI)('a consultant day in the browser', () => {
  let postfix: PostfixInstance;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  /** Title of the worst finding, read in the findings table and looked for in the PDF. */
  let firstFinding = '';

  beforeAll(async () => {
    postfix = await startPostfix({ tls: 'may' });
    serve = await startServeProcess();
    browser = await openBrowser(serve.url);
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await postfix?.stop();
  });

  const screen = (name: string) => page.getByRole('button', { name, exact: true }).first();

  it('creates an engagement', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Engagements' }).isVisible()).toBe(true);
    await browser.screenshot('01-engagements-empty');
    await page.getByRole('button', { name: 'New engagement' }).click();
    // Submitting an empty form shows the refusals next to the fields.
    await page.getByRole('button', { name: 'Create engagement' }).click();
    await expect.poll(() => page.getByText('give the engagement a name').first().isVisible()).toBe(true);
    await browser.screenshot('02-engagement-form-errors');
    await page.getByRole('textbox', { name: 'Engagement name' }).fill('Q4 mail audit');
    await page.getByLabel('Client', { exact: true }).fill('ACME <Corp>');
    await page.getByLabel('Consultant').fill('Dana Consultant');
    await page.getByLabel('Authorized by').fill('CISO J. Smith');
    await page.getByLabel('Authorized hosts').fill(postfix.host);
    await page.getByLabel('Scope').fill('Inbound MX of lab.test');
    await page.getByRole('button', { name: 'Create engagement' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Q4 mail audit' }).isVisible()).toBe(true);
    // The client name is text, not markup.
    await expect.poll(() => page.getByText('ACME <Corp>').first().isVisible()).toBe(true);
    await browser.screenshot('03-engagement-open');
  });

  it('runs an assessment against a real Postfix with progress and a live transcript', async () => {
    await page.getByRole('main').getByRole('button', { name: 'New assessment' }).click();
    await page.getByRole('textbox', { name: 'Hosts', exact: true }).fill(`${postfix.host}:${postfix.port}`);
    await page.getByLabel('Mail domain').fill(postfix.domain);
    // No DNS is needed for an IP literal; an unreachable resolver proves none is asked.
    await page.getByLabel('DNS resolver').fill('127.0.0.1:1');
    await page.getByLabel('Valid recipient').fill(`alice@${postfix.domain}`);
    await page.getByRole('button', { name: 'None' }).click();
    for (const id of ['ehlo', 'open-relay', 'recipients', 'starttls']) await page.getByRole('checkbox', { name: new RegExp(`^${id}( active)?$`) }).check();
    // Active checks without the authorization box: refused in place, nothing runs.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.getByText(/Tick the box to run the active checks/).isVisible()).toBe(true);
    await browser.screenshot('04-assessment-authorization-required');
    await page.getByRole('checkbox', { name: /I am authorized/ }).check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.getByText('Finished.').isVisible(), { timeout: 60_000 }).toBe(true);
    const progress = page.getByRole('table', { name: 'Check progress' });
    for (const id of ['ehlo', 'open-relay', 'recipients', 'starttls']) await expect.poll(() => progress.locator(`tr[data-check="${id}"] .status`).innerText()).toMatch(/pass|fail|warn/);
    const transcript = await page.getByLabel('Live transcript').innerText();
    expect(transcript).toMatch(/-> EHLO /);
    expect(transcript).toMatch(/<- 220 /);
    expect(transcript).toMatch(/RCPT TO:/);
    await browser.screenshot('05-assessment-finished');
  });

  it('shows the findings, the evidence and the fact views', async () => {
    await page.getByRole('button', { name: 'Open findings' }).click();
    const table = page.getByRole('table', { name: 'Findings' });
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(0);
    // Each finding opens its detail with its evidence; the first (worst) one is read here.
    firstFinding = (await table.locator('tbody tr .finding-link').first().innerText()).trim();
    await table.locator('tbody tr .finding-link').first().click();
    await expect.poll(() => page.getByRole('heading', { name: firstFinding }).isVisible()).toBe(true);
    const evidence = page.getByLabel('Evidence transcript');
    await expect.poll(() => evidence.innerText()).toMatch(/\d+\.\d{3} (->|<-) /);
    // Filtering by check keeps only that check's rows.
    const check = (await table.locator('tbody tr td:nth-child(4)').first().innerText()).trim();
    await page.getByLabel('Check filter').selectOption(check);
    expect(new Set(await table.locator('tbody tr td:nth-child(4)').allInnerTexts())).toEqual(new Set([check]));
    await browser.screenshot('06-findings-detail');
    // Sorting by finding id, both ways.
    await page.getByLabel('Check filter').selectOption('');
    await table.getByRole('button', { name: /^Finding/ }).click();
    const ids = async () => (await table.locator('tbody tr .mono').allInnerTexts()).map((s) => s.trim());
    const asc = await ids();
    expect(asc).toEqual([...asc].sort());
    await page.getByRole('tab', { name: 'EHLO' }).click();
    await expect.poll(() => page.getByRole('tabpanel').innerText()).toMatch(/STARTTLS/);
    await browser.screenshot('07-facts-ehlo');
    await page.getByRole('tab', { name: 'Certificate' }).click();
    await expect.poll(() => page.getByRole('tabpanel').innerText()).toContain(postfix.hostname);
    await browser.screenshot('08-facts-certificate');
  });

  it('compares the assessment with the reference', async () => {
    await page.getByRole('button', { name: 'Compare', exact: true }).first().click();
    await page.getByRole('button', { name: 'Compare with the reference' }).click();
    const table = page.getByRole('table', { name: 'Comparison' });
    await expect.poll(async () => (await table.isVisible()) || (await page.getByRole('alert').count()) > 0, { timeout: 170_000, interval: 1000 }).toBe(true);
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await table.locator('.verdict').allInnerTexts()).toContain('weaker');
    await browser.screenshot('09-compare');
    await page.getByLabel('Verdict filter').selectOption('weaker');
    expect(new Set(await table.locator('.verdict').allInnerTexts())).toEqual(new Set(['weaker']));
  }, 180_000);

  it('exports a PDF report with the findings', async () => {
    await screen('Export').click();
    await expect.poll(() => page.getByText('Q4 mail audit').first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Export', exact: true }).last().click();
    const files = page.getByRole('list', { name: 'Exported files' });
    await expect.poll(async () => (await files.isVisible()) || (await page.getByRole('alert').count()) > 0, { timeout: 60_000 }).toBe(true);
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    const path = (await files.locator('.mono').first().innerText()).trim();
    expect(path.endsWith('.pdf')).toBe(true);
    expect(existsSync(path)).toBe(true);
    const { stdout } = await run('pdftotext', ['-layout', path, '-']);
    expect(stdout).toContain(firstFinding);
    expect(stdout).toContain('ACME <Corp>');
    // The browser gets the file too (serve mode offers it as a download).
    const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('link', { name: 'Download' }).click()]);
    expect((await download.path()) && download.suggestedFilename()).toMatch(/\.pdf$/);
    await browser.screenshot('10-export');
  }, 90_000);

  it('runs the gateway: a message sent with swaks shows in the session log and the mailbox', async () => {
    await screen('Gateway').click();
    await page.getByLabel('Gateway port').fill('0');
    // A broken config is refused in place, with its line.
    const editor = page.getByRole('textbox', { name: /^Configuration/ });
    const good = await editor.inputValue();
    await editor.fill('{\n  "maxMessageBytes": "big"\n}');
    await expect.poll(() => page.getByLabel('Configuration problems').innerText()).toMatch(/line 2: maxMessageBytes: .*number/);
    await browser.screenshot('11-gateway-config-error');
    await editor.fill(good);
    await expect.poll(() => page.getByText('Configuration valid.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const state = page.getByLabel('Gateway state');
    await expect.poll(() => state.innerText(), { timeout: 30_000 }).toMatch(/running on 127\.0\.0\.1:\d+/);
    const port = Number(/:(\d+)/.exec(await state.innerText())![1]);
    const out = await swaks(port, '--from', 'sender@friend.test', '--to', 'alice@lab.test', '--header', 'Subject: quarterly numbers <b>bold</b>', '--body', 'hello from the browser test');
    expect(out).toMatch(/<- {2}250 .*queued|<- {2}250 /);
    const log = page.getByRole('list', { name: 'Sessions' });
    await expect.poll(() => log.innerText(), { timeout: 20_000 }).toContain('127.0.0.1');
    await log.locator('summary').first().click();
    await expect.poll(() => log.getByRole('table', { name: 'Decision trace' }).first().innerText()).toMatch(/data/);
    await expect.poll(() => page.getByRole('img', { name: 'Decisions per layer' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const inbox = page.getByRole('table', { name: 'inbox messages' });
    await expect.poll(() => inbox.innerText(), { timeout: 20_000 }).toContain('quarterly numbers <b>bold</b>');
    await inbox.getByRole('button', { name: /quarterly numbers/ }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Headers' }).innerText()).toMatch(/X-SCL/i);
    await expect.poll(() => page.getByLabel('Message body').innerText()).toContain('hello from the browser test');
    await browser.screenshot('12-gateway-running');
    // The attack suite and the traffic generator, against the running gateway.
    await page.getByRole('button', { name: 'Run the attack suite' }).click();
    const attacks = page.getByRole('table', { name: 'Attack results' });
    await expect.poll(() => page.getByRole('button', { name: 'Run the attack suite' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await attacks.locator('tbody tr').count()).toBeGreaterThanOrEqual(10);
    expect((await attacks.locator('.status').allInnerTexts()).filter((t) => !t.endsWith('as expected'))).toEqual([]);
    await page.getByRole('button', { name: 'Generate traffic' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Traffic statistics' }).innerText(), { timeout: 60_000 }).toMatch(/delivered/);
    await browser.screenshot('12b-gateway-attack-and-traffic');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => state.innerText(), { timeout: 30_000 }).toBe('stopped');
    // Stopped means stopped: nothing listens on the port any more.
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    await browser.screenshot('13-gateway-stopped');
  }, 150_000);

  it('is keyboard navigable and has a dark theme', async () => {
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.getByRole('heading', { name: 'Engagements' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(246, 247, 249)');
    await browser.screenshot('14-engagements-dark');
    await page.keyboard.press('Alt+3');
    await browser.screenshot('15-findings-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(browser.problems).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  });
});
