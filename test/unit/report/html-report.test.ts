import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../../main/report/html/html-report.js';
import { htmlCss } from '../../../main/report/html/html-styles.js';
import { buildReportModel } from '../../../main/report/report-model.js';
import { assessment, finding } from './assessment-fixture.js';

const PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

describe('HTML report', () => {
  const a = assessment([finding({ id: 'smtp.banner-disclosure', severity: 'low', title: PAYLOAD, description: PAYLOAD, evidence: { transcript: [`0.001 <- 220 ${PAYLOAD}`], extra: PAYLOAD } })], {
    hosts: [{ host: 'mx.example.test', port: 25, addresses: ['192.0.2.25'], facts: { banner: `220 ${PAYLOAD}` } }],
  });
  const html = htmlReport(buildReportModel(a, { meta: { client: PAYLOAD } }));

  it('escapes every server string: no element or attribute comes from the data', () => {
    expect(html).not.toMatch(/<script|<img/i);
    // Every tag and attribute is one the report itself writes.
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];
    const tagNames = new Set(tags.map((t) => t[1].toLowerCase()));
    const attributes = new Set(tags.flatMap((t) => [...t[2].replace(/"[^"]*"/g, "\"\"").matchAll(/\s([\w-]+)=/g)].map((m) => m[1].toLowerCase())));
    const allowedTags = 'html head meta title style body header h1 h2 h3 h4 dl dt dd div nav ol ul li a section p svg g text rect table thead tbody tr th td article code pre span footer strong';
    expect([...tagNames].filter((t) => !allowedTags.split(' ').includes(t))).toEqual([]);
    expect([...attributes].filter((x) => !'lang charset http-equiv content name class id href width height x y fill role aria-label'.split(' ').includes(x))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('is self-contained: no script, no remote resource, a CSP allowing only its own stylesheet', () => {
    const hash = createHash('sha256').update(htmlCss).digest('base64');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; style-src &#x27;sha256-${hash}&#x27;; img-src data:; base-uri &#x27;none&#x27;; form-action &#x27;none&#x27;"/>`);
    expect(html).toContain(`<style>${htmlCss}</style>`);
    expect(html).not.toMatch(/\s(src|href)="(?!#|data:)/);
    expect(html).not.toMatch(/<link|<iframe|<object|<embed|url\(/i);
  });
});
