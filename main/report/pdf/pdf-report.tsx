// The PDF report: cover, executive summary with the severity chart, scope, method, findings,
// comparison with the reference, per-host matrix, appendices. Page numbers on every page, a
// bookmark per section and per finding, the shipped Unicode font. Server text is only ever
// a Text child: react-pdf draws it as glyphs, nothing in it is interpreted.
import { Document, Image, Page, Text, View, renderToBuffer } from '@react-pdf/renderer';
import type { ReactNode } from 'react';
import { severities } from '../../../shared/assessment.js';
import type { FindingView } from '../finding-view.js';
import type { ReportModel } from '../report-model.js';
import type { Logo } from '../logo.js';
import { verdictColour } from '../severity-style.js';
import { PdfAppendices } from './pdf-appendices.js';
import { PdfSeverityChart } from './pdf-chart.js';
import { PdfFinding } from './pdf-finding.js';
import { PdfBadge } from './pdf-label.js';
import { MONO, registerFonts, SANS } from './pdf-fonts.js';
import { loadWithWordCache } from './pdf-shaping-cache.js';
import { glyphGuard, mapStrings } from './pdf-glyphs.js';
import { styles } from './pdf-styles.js';
import { Section } from './pdf-section.js';
import { PdfTable } from './pdf-table.js';
import { PdfGrid } from './pdf-grid.js';
import { PdfFooters } from './pdf-footer.js';

function Meta({ rows }: { rows: [string, string | null][] }) {
  return (
    <View>
      {rows.filter((r): r is [string, string] => r[1] !== null).map(([k, v]) => (
        <View key={k} style={styles.metaRow}>
          <Text style={styles.metaKey}>{k}</Text>
          <Text style={styles.metaValue}>{v}</Text>
        </View>
      ))}
    </View>
  );
}

function Cover({ m, logo }: { m: ReportModel; logo?: Logo }) {
  return (
    <Page size="A4" style={styles.page} experimentalPagination bookmark={{ title: 'Cover', fit: true }}>
      <PdfFooters left={`${m.title}${m.cover.client ? ` · ${m.cover.client}` : ''}`} />
      {logo && <Image src={{ data: logo.data, format: logo.mime === 'image/png' ? 'png' : 'jpg' }} style={{ maxHeight: 70, maxWidth: 200, marginBottom: 30, objectFit: 'contain' }} />}
      <View style={{ marginTop: logo ? 60 : 160 }}>
        <Text style={styles.h1}>{m.title}</Text>
        {m.cover.engagement && <Text style={{ fontSize: 14, marginBottom: 24 }}>{m.cover.engagement}</Text>}
        <Meta
          rows={[
            ['Client', m.cover.client],
            ['Targets', m.cover.targets.join(', ')],
            ['Mail domain', m.cover.domain],
            ['Date', m.cover.date],
            ['Consultant', m.cover.consultant],
            ['Tool', m.cover.toolVersion],
          ]}
        />
      </View>
    </Page>
  );
}

function Summary({ m }: { m: ReportModel }) {
  return (
    <View>
      <Text style={styles.h2}>Executive summary</Text>
      <Text style={{ fontSize: 11, fontWeight: 'bold', marginBottom: 4 }}>{m.posture.headline}</Text>
      <PdfSeverityChart counts={m.counts} />
      <Text style={styles.p}>{`${m.total} findings: ${m.counts.map((c) => `${c.count} ${c.severity}`).join(', ')}.`}</Text>
      {m.topIssues.length > 0 && <Text style={styles.h3}>Top issues</Text>}
      {m.topIssues.map((t) => (
        <View key={t.refs[0]} style={{ flexDirection: 'row', marginBottom: 4 }} wrap={false}>
          <View style={{ width: 62 }}>
            <PdfBadge severity={t.severity} />
          </View>
          <Text style={{ flex: 1 }}>{`${t.text} (${t.refs.join(', ')})`}</Text>
        </View>
      ))}
    </View>
  );
}

/** A page that wraps onto as many sheets as its content needs, with the footer. */
function Sheet({ bookmark, children }: { bookmark: string; children: ReactNode }) {
  // react-pdf's new pagination engine: content is measured once and packed into sheets. The
  // old one lays out the rest of a Page again at every sheet break (15 s for 100 findings).
  // The footer is not react-pdf's: pdf-footer.tsx stamps it on every finished page.
  return (
    <Page size="A4" style={styles.page} wrap experimentalPagination bookmark={{ title: bookmark, fit: true }}>
      {children}
    </Page>
  );
}

/** Findings grouped by severity, each group starting on a new sheet with its own bookmark. */
export function findingGroups(findings: FindingView[]): { title: string; findings: FindingView[] }[] {
  return severities
    .map((severity) => ({ severity, findings: findings.filter((f) => f.severity === severity) }))
    .filter((g) => g.findings.length > 0)
    .map((g) => ({ title: `${g.severity[0].toUpperCase()}${g.severity.slice(1)} findings (${g.findings.length})`, findings: g.findings }));
}

function Findings({ m }: { m: ReportModel }) {
  const groups = findingGroups(m.findings);
  if (!groups.length) {
    return (
      <Sheet bookmark="Findings">
        <Text style={styles.h2}>Findings</Text>
        <Text>No findings.</Text>
      </Sheet>
    );
  }
  return groups.map((g, i) => (
    <Sheet key={g.title} bookmark={g.title}>
      {i === 0 && <Text style={styles.h2}>{`Findings (${m.total})`}</Text>}
      <Text style={styles.h3}>{g.title}</Text>
      {g.findings.map((f) => (
        <PdfFinding key={f.anchor} f={f} />
      ))}
    </Sheet>
  ));
}

function Overview({ m }: { m: ReportModel }) {
  return (
    <Sheet bookmark="Executive summary">
      <Summary m={m} />
      <Section bookmark={{ title: 'Scope and authorization', fit: true }} style={{ marginTop: 16 }}>
        <Text style={styles.h2} minPresenceAhead={60}>Scope and authorization</Text>
        <Text style={styles.p}>{m.scope.statement}</Text>
        <PdfTable head={['Host', 'Addresses']} rows={m.scope.targets} widths={[1, 1]} />
      </Section>
      <Section bookmark={{ title: 'Method', fit: true }} style={{ marginTop: 16 }}>
        <Text style={styles.h2} minPresenceAhead={60}>Method</Text>
        <Meta rows={m.method.rows} />
        <Text style={styles.h3}>Checks run</Text>
        <PdfTable head={['Check', 'Where', 'Status', 'Time', 'Reason']} rows={m.method.checks} widths={[1.3, 2, 0.8, 0.8, 3]} />
      </Section>
    </Sheet>
  );
}

function Comparison({ m }: { m: ReportModel }) {
  if (!m.comparison && !m.hostMatrix) return null;
  return (
    <Sheet bookmark={m.comparison ? 'Target vs reference' : 'Hosts compared'}>
      {m.comparison && (
        <View>
          <Text style={styles.h2}>Target vs reference</Text>
          <PdfTable
            head={['Check', 'Fact', 'Target', 'Reference', 'Verdict', 'Findings / note']}
            // The verdict is one word per line at most ("not comparable"): a hyphenated token
            // cannot wrap and ran into the next column.
            rows={m.comparison.rows.map((r, i) => r.map((c, j) => (j === 4 ? <Text style={{ color: verdictColour[m.comparison!.verdicts[i]], fontWeight: 'bold' }}>{String(c).replace('-', ' ')}</Text> : c)))}
            widths={[1.1, 1.9, 1.4, 1.4, 1.5, 1.7]}
          />
        </View>
      )}
      {m.hostMatrix && (
        <Section bookmark={{ title: 'Hosts compared', fit: true }} break={Boolean(m.comparison)}>
          <Text style={styles.h2}>Hosts compared</Text>
          <PdfGrid head={['', ...m.hostMatrix.columns]} rows={m.hostMatrix.rows.map((r) => [r.label, ...r.cells])} widths={[2, ...m.hostMatrix.columns.map(() => 1.2)]} />
        </Section>
      )}
    </Sheet>
  );
}

export function pdfDocument(m: ReportModel, logo?: Logo) {
  registerFonts();
  return (
    <Document title={`${m.title}${m.cover.engagement ? ` - ${m.cover.engagement}` : ''}`} author={m.cover.consultant ?? undefined} creator={m.cover.toolVersion} producer={m.cover.toolVersion} pageMode="useOutlines">
      <Cover m={m} logo={logo} />
      <Overview m={m} />
      <Findings m={m} />
      <Comparison m={m} />
      <PdfAppendices a={m.appendices} page={(bookmark, children) => <Sheet key={bookmark} bookmark={bookmark}>{children}</Sheet>} />
    </Document>
  );
}

export async function pdfReport(m: ReportModel, logo?: Logo): Promise<Buffer> {
  registerFonts();
  await loadWithWordCache([{ fontFamily: SANS }, { fontFamily: SANS, fontWeight: 700 }, { fontFamily: MONO }]);
  return renderToBuffer(pdfDocument(mapStrings(m, glyphGuard()), logo));
}
