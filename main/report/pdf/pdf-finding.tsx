// One finding in the PDF: header kept whole, evidence excerpt, remediation, references.
// Its bookmark nests under "Findings" in the outline.
import { Link, Text, View } from '@react-pdf/renderer';
import type { FindingView } from '../finding-view.js';
import { severityColour } from '../severity-style.js';
import { badgeWidth, PdfBadge } from './pdf-label.js';
import { styles } from './pdf-styles.js';
import { PdfPre, PRE_WIDTH_FINDING } from './pdf-pre.js';
import { Section } from './pdf-section.js';

/** Label/value rows as one preformatted text: a table per finding costs too much layout time. */
function labelled(rows: [string, string][]): string[] {
  const width = Math.min(24, Math.max(...rows.map(([k]) => k.length)));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

export function PdfFinding({ f }: { f: FindingView }) {
  return (
    <Section id={f.anchor} bookmark={{ title: `${f.ref} ${f.title}`, fit: true }} style={[styles.finding, { borderLeftColor: severityColour[f.severity].bg }]}>
      {/* The badge sits in the header's right padding: no row of boxes to lay out. */}
      <View wrap={false} minPresenceAhead={60} style={{ paddingRight: badgeWidth(f.severity) + 8 }}>
        <Text style={[styles.h3, { marginTop: 0 }]}>{`${f.ref}  ${f.title}`}</Text>
        <Text style={styles.note}>{`${f.place}  ·  ${f.id}  ·  check ${f.checkId}`}</Text>
        <PdfBadge severity={f.severity} style={{ position: 'absolute', top: 0, right: 0 }} />
      </View>
      <Text style={[styles.p, { marginTop: 4 }]}>{f.description}</Text>
      {f.excerpt.length > 0 && <PdfPre title="Evidence: transcript" lines={f.excerpt} width={PRE_WIDTH_FINDING} />}
      {f.excerpt.length > 0 && f.excerptNote && (
        <Link src={`#${f.transcriptRef}`} style={styles.note}>
          {f.excerptNote}
        </Link>
      )}
      {f.certificate && <PdfPre title="Evidence: certificate" lines={labelled(f.certificate)} width={PRE_WIDTH_FINDING} />}
      {f.details.length > 0 && <PdfPre title="Evidence: details" lines={labelled(f.details)} width={PRE_WIDTH_FINDING} />}
      {/* Heading and paragraph in one Text: one paragraph to lay out, the heading never left alone at a page foot. */}
      <Text style={[styles.p, { marginTop: 6 }]}>
        <Text style={styles.runH4}>Remediation</Text>
        {`\n${f.remediation}`}
      </Text>
      {f.references.length > 0 && (
        <Text style={{ marginTop: 2 }}>
          <Text style={styles.runH4}>References</Text>
          {f.references.map((r) => `\n• ${r}`).join('')}
        </Text>
      )}
    </Section>
  );
}
