// One finding in the PDF: header kept whole, evidence excerpt, remediation, references.
// Its bookmark nests under "Findings" in the outline.
import { Link, Text, View } from '@react-pdf/renderer';
import type { FindingView } from '../finding-view.js';
import { severityColour } from '../severity-style.js';
import { badgeWidth, PdfBadge, PdfLabel } from './pdf-label.js';
import { NOTE, styles } from './pdf-styles.js';
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
      {/* The badge sits in the header's right padding; title and place are one paragraph. */}
      <View wrap={false} minPresenceAhead={60} style={{ paddingRight: badgeWidth(f.severity) + 8 }}>
        <Text style={[styles.h3, { marginTop: 0 }]}>
          {`${f.ref}  ${f.title}`}
          <Text style={styles.noteRun}>{`\n${f.place}  ·  ${f.id}  ·  check ${f.checkId}`}</Text>
        </Text>
        <PdfBadge severity={f.severity} style={{ position: 'absolute', top: 0, right: 0 }} />
      </View>
      <Text style={[styles.p, { marginTop: 4 }]}>{f.description}</Text>
      {f.excerpt.length > 0 && <PdfPre title="Evidence: transcript" lines={f.excerpt} width={PRE_WIDTH_FINDING} />}
      {f.excerpt.length > 0 && f.excerptNote && (
        <Link src={`#${f.transcriptRef}`}>
          <PdfLabel text={f.excerptNote} size={8} bold={false} colour={NOTE} underline />
        </Link>
      )}
      {f.certificate && <PdfPre title="Evidence: certificate" lines={labelled(f.certificate)} width={PRE_WIDTH_FINDING} />}
      {f.details.length > 0 && <PdfPre title="Evidence: details" lines={labelled(f.details)} width={PRE_WIDTH_FINDING} />}
      {/* Remediation and references, headings included, are one paragraph: one to lay out, and a
          heading is never left alone at a page foot. A small empty line stands between the two. */}
      <Text style={[styles.p, { marginTop: 6 }]}>
        <Text style={styles.runH4}>Remediation</Text>
        {`\n${f.remediation}`}
        {f.references.length > 0 && <Text style={{ fontSize: 4 }}>{'\n\n'}</Text>}
        {f.references.length > 0 && <Text style={styles.runH4}>References</Text>}
        {f.references.length > 0 && f.references.map((r) => `\n• ${r}`).join('')}
      </Text>
    </Section>
  );
}
