// A hostile target: its banner and replies carry <script>, <img onerror>, ANSI escapes and a
// 1 MB line. The reports show all of it as text: the HTML opened in real Chromium runs nothing
// (no dialog, no console error, no flag set, no element made from the data), the PDF shows it
// as text, and every line stays bounded.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../main/probe/engine.js';
import { createResolver } from '../../../main/net/resolver.js';
import { probeOptions } from '../../../main/probe/default-options.js';
import { writeReports } from '../../../main/report/write-reports.js';
import type { Assessment } from '../../../shared/assessment.js';
import { onLines, startScriptedServer, type ScriptedServer } from '../../support/hostile-server.js';
import { chromiumAvailable, openBrowser } from '../../browser/support/chromium.js';
import { pdfPages, pdfText, renderPages, reportArtifacts } from './pdf-tools.js';

const SCRIPT = '<script>window.__pwned=1;alert(1)</script>';
const IMG = '<img src=x onerror="window.__pwned=2;alert(2)">';
const ANSI = '\x1b[31mRED\x1b[0m';
const MEGA = 'M'.repeat(1024 * 1024);

/** Polite enough to be probed, hostile in every text it sends. */
function hostileSmtp(socket: import('node:net').Socket): void {
  socket.write(`220 ${SCRIPT}${IMG} ${ANSI} ESMTP\r\n`);
  onLines(socket, (line) => {
    const verb = line.split(' ')[0].toUpperCase();
    if (verb === 'EHLO') socket.write(`250-hostile.test ${SCRIPT}\r\n250-SIZE 1000000\r\n250-VRFY\r\n250 X-${IMG}\r\n`);
    else if (verb === 'MAIL') socket.write(`250 2.1.0 ${ANSI} ok\r\n`);
    else if (verb === 'RCPT') socket.write(`550 5.1.1 ${IMG} unknown\r\n`);
    else if (verb === 'VRFY') socket.write(`252 ${MEGA}\r\n`);
    else if (verb === 'QUIT') socket.end('221 bye\r\n');
    else socket.write(`250 ${SCRIPT}\r\n`);
  });
}

describe('reports of a hostile target', () => {
  let server: ScriptedServer;
  let probed: Assessment;
  const dir = mkdtempSync(join(tmpdir(), 'mxaudit-hostile-report-'));
  const out = (name: string) => join(dir, name);

  beforeAll(async () => {
    server = await startScriptedServer(hostileSmtp);
    const { unreachable: _u, ...a } = await runProbe({
      targets: [{ host: '127.0.0.1', port: server.port }],
      domain: 'hostile.test',
      checks: ['ehlo', 'recipients', 'open-relay'],
      options: probeOptions({ authorized: true, timeouts: { connectMs: 2000, commandMs: 2000, sessionMs: 8000 }, checkTimeoutMs: 8000 }),
      resolver: createResolver(['127.0.0.1:1']),
    });
    // The engine bounds what it keeps; a hand-edited or foreign JSON may not be: add the 1 MB
    // line and the payloads to a finding ourselves, verbatim.
    probed = {
      ...a,
      findings: [
        ...a.findings,
        {
          id: 'smtp.banner-disclosure',
          checkId: 'ehlo',
          host: '127.0.0.1',
          port: server.port,
          severity: 'low',
          title: `Banner ${SCRIPT}`,
          description: `${IMG} ${ANSI} ${MEGA}`,
          remediation: 'Hide the software name.',
          references: [],
          evidence: { transcript: [`0.001 <- 220 ${SCRIPT}${IMG} ${ANSI}`, `0.002 <- 252 ${MEGA}`], reply: MEGA },
        },
      ],
    };
    await writeReports(probed, { html: out('hostile.html'), pdf: out('hostile.pdf'), csv: out('hostile.csv') }, { meta: { client: IMG } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('the probe kept the hostile text verbatim in the assessment', () => {
    expect(probed.facts.banner).toBe(`220 ${SCRIPT}${IMG} ${ANSI} ESMTP`);
    expect(probed.findings.length).toBeGreaterThan(1);
  });

  it('every report stays small although a 1 MB line came in', () => {
    for (const f of ['hostile.html', 'hostile.pdf', 'hostile.csv']) expect(statSync(out(f)).size).toBeLessThan(1024 * 1024);
  });

  it('PDF: the payloads are text, control characters visible, the long line cut with a marker', () => {
    const text = pdfText(out('hostile.pdf'));
    expect(text).toContain('<script>window.__pwned=1;alert(1)</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=2;alert(2)">');
    expect(text).toContain('\\x1b[31mRED\\x1b[0m');
    expect(text).not.toContain('\x1b');
    expect(text).toMatch(/\[\.\.\. \d+ more characters\]/);
    expect(renderPages(out('hostile.pdf'), 'hostile')).toBe(pdfPages(out('hostile.pdf')));
  });

  it.skipIf(!chromiumAvailable)('HTML in Chromium: no script runs, nothing is built from the data, the text shows literally', async () => {
    const browser = await openBrowser(pathToFileURL(out('hostile.html')).href);
    try {
      const page = browser.page;
      await page.waitForLoadState('load');
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        text: document.body.innerText,
      }));
      expect(state).toMatchObject({ pwned: null, scripts: 0, images: 0, handlers: 0 });
      expect(browser.dialogs).toEqual([]);
      expect(browser.problems).toEqual([]);
      expect(state.text).toContain(SCRIPT);
      expect(state.text).toContain(IMG);
      expect(state.text).toContain('\\x1b[31mRED\\x1b[0m');
      expect(state.text).toMatch(/\[\.\.\. \d+ more characters\]/);
      await page.screenshot({ path: join(reportArtifacts, 'hostile-html.png') });
    } finally {
      await browser.close();
    }
  });

  it('CSV: the payloads are plain cells, nothing a spreadsheet would evaluate', () => {
    const csv = readFileSync(out('hostile.csv'), 'utf8');
    expect(csv).toContain(SCRIPT.replace(/"/g, '""'));
    expect(csv).not.toContain('\x1b');
    expect(csv).not.toMatch(/(^|,|\r\n)"?[=+\-@]/);
  });
});
