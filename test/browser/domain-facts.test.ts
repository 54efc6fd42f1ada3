// A domain assessment in the browser: MX expansion through the lab DNS server (the resolver
// typed in the form), then the SPF include tree and the DNSBL table in the fact views, and the
// DMARC finding. Real Postfix as the MX, real lab DNS, real Chromium.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostfix, type PostfixInstance } from '../support/postfix.js';
import { describePostfix } from '../support/probe-postfix.js';
import { startLabDns, type LabDnsServer } from '../support/lab-dns.js';
import { chromiumAvailable } from './support/chromium.js';
import { createEngagement, openNewAssessment, openServedApp, runAssessment, selectChecks, type ServedApp } from './support/ui-steps.js';

describePostfix.runIf(chromiumAvailable || process.env.CI)('domain facts in the browser', () => {
  let postfix: PostfixInstance;
  let dns: LabDnsServer;
  let app: ServedApp;

  beforeAll(async () => {
    postfix = await startPostfix();
    dns = await startLabDns({
      'lab.test': { MX: [{ priority: 10, exchange: 'mx.lab.test' }], TXT: ['v=spf1 include:_spf.lab.test -all'] },
      '_spf.lab.test': { TXT: ['v=spf1 ip4:127.0.0.1 ip4:198.51.100.0/24 ~all'] },
      '_dmarc.lab.test': { TXT: ['v=DMARC1; p=none'] },
      'mx.lab.test': { A: ['127.0.0.1'] },
      // The list's RFC 5782 test point: listed, so the list is believed; 127.0.0.1 is not listed.
      '2.0.0.127.bl.lab.test': { A: ['127.0.0.2'], TXT: ['test point'] },
    });
    app = await openServedApp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dns?.stop();
    await postfix?.stop();
  });

  it('expands the MX set and shows the SPF tree, the DNSBL answers and the harvest timing', async () => {
    const { page, browser } = app;
    await createEngagement(page, { name: 'Domain review', client: 'Lab', authorizedBy: 'Lab owner' });
    await openNewAssessment(page);
    await page.getByLabel('Mail domain').fill('lab.test');
    await page.getByLabel('Ports').fill(String(postfix.port));
    await page.getByLabel('DNS resolver').fill(dns.server);
    await page.getByRole('textbox', { name: 'Block lists' }).fill('bl.lab.test');
    await page.getByRole('checkbox', { name: 'only these' }).check();
    await selectChecks(page, ['mx', 'spf', 'dmarc', 'ehlo', 'dnsbl', 'harvest']);
    await page.getByLabel('Valid recipient').fill('alice@lab.test');
    await page.getByRole('checkbox', { name: /I am authorized/ }).check();
    await runAssessment(page, 120_000);
    await expect.poll(() => page.getByText(/MX of lab\.test: 10 mx\.lab\.test \(127\.0\.0\.1\)/).isVisible()).toBe(true);
    const progress = page.getByRole('table', { name: 'Check progress' });
    expect(await progress.locator('tr[data-check="ehlo"] td').first().innerText()).toBe(`mx.lab.test:${postfix.port}`);
    await browser.screenshot('30-domain-assessment');

    await page.getByRole('button', { name: 'Open findings' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Findings' }).innerText()).toMatch(/dmarc\.policy-none/);
    await page.getByRole('tab', { name: 'SPF' }).click();
    const panel = page.getByRole('tabpanel');
    await expect.poll(() => panel.innerText()).toContain('include: _spf.lab.test');
    expect(await panel.innerText()).toContain('v=spf1 ip4:127.0.0.1 ip4:198.51.100.0/24 ~all');
    expect(await panel.innerText()).toMatch(/gets fail/);
    await browser.screenshot('31-facts-spf');
    await page.getByRole('tab', { name: 'DNSBL' }).click();
    const rbl = page.getByRole('table', { name: 'DNSBL answers' });
    await expect.poll(() => rbl.innerText()).toMatch(/bl\.lab\.test\s+127\.0\.0\.1\s+clean/);
    await browser.screenshot('32-facts-dnsbl');
    await page.getByRole('tab', { name: 'Harvest' }).click();
    await expect.poll(() => panel.innerText()).toMatch(/Recipients timed\s+\d+ over \d+ connection/);
    expect(await panel.getByRole('img', { name: /Reply time per recipient/ }).isVisible()).toBe(true);
    await browser.screenshot('33-facts-harvest');
    expect(browser.problems).toEqual([]);
  }, 150_000);

  it('deletes the engagement with its assessments, after a confirmation', async () => {
    const { page, serve } = app;
    await page.keyboard.press('Alt+1');
    const list = page.getByRole('list', { name: 'Engagement list' });
    await list.getByRole('button', { name: /Domain review/ }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete it and its assessments' }).click();
    await expect.poll(() => list.innerText()).not.toContain('Domain review');
    expect(readdirSync(join(serve.dataDir, 'engagements'))).toEqual([]);
  });
});
