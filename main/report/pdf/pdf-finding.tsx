// One finding in the PDF: header kept whole, evidence excerpt, remediation, references.
// Its bookmark nests under "Findings" in the outline.
import { Link, Text, View } from '@react-pdf/renderer';
import type { Severity } from '../../../shared/assessment.js';
import type { FindingView } from '../finding-view.js';
import { severityColour } from '../severity-style.js';
import { styles } from './pdf-styles.js';
import { PdfPre, PRE_WIDTH_FINDING } from './pdf-pre.js';
import { Section } from './pdf-section.js';

export function PdfBadge({ severity }: { severity: Severity }) {
  const c = severityColour[severity];
  return <Text style={[styles.badge, { backgroundColor: c.bg, color: c.fg }]}>{` ${severity.toUpperCase()} `}</Text>;
}

/** Label/value rows as one preformatted text: a table per finding costs too much layout time. */
function labelled(rows: [string, string][]): string[] {
  const width = Math.min(24, Math.max(...rows.map(([k]) => k.length)));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

export function PdfFinding({ f }: { f: FindingView }) {
  return (
    <Section id={f.anchor} bookmark={{ title: `${f.ref} ${f.title}`, fit: true }} style={[styles.finding, { borderLeftColor: severityColour[f.severity].bg }]}>
      <View wrap={false} minPresenceAhead={60}>
        <View style={{ flexDirection: 'row', justifyContent: 'space-between', alignItems: 'flex-start' }}>
          <Text style={[styles.h3, { flex: 1, marginTop: 0 }]}>{`${f.ref}  ${f.title}`}</Text>
          <PdfBadge severity={f.severity} />
        </View>
        <Text style={styles.note}>{`${f.place}  ·  ${f.id}  ·  check ${f.checkId}`}</Text>
      </View>
      <Text style={[styles.p, { marginTop: 4 }]}>{f.description}</Text>
      {f.excerpt.length > 0 && (
        <View>
          <Text style={styles.h4} minPresenceAhead={56}>Evidence: transcript</Text>
          <PdfPre lines={f.excerpt} width={PRE_WIDTH_FINDING} />
          {f.excerptNote && (
            <Link src={`#${f.transcriptRef}`} style={styles.note}>
              {f.excerptNote}
            </Link>
          )}
        </View>
      )}
      {f.certificate && (
        <View>
          <Text style={styles.h4} minPresenceAhead={40}>Evidence: certificate</Text>
          <PdfPre lines={labelled(f.certificate)} width={PRE_WIDTH_FINDING} />
        </View>
      )}
      {f.details.length > 0 && (
        <View>
          <Text style={styles.h4} minPresenceAhead={40}>Evidence: details</Text>
          <PdfPre lines={labelled(f.details)} width={PRE_WIDTH_FINDING} />
        </View>
      )}
      <Text style={styles.h4} minPresenceAhead={20}>Remediation</Text>
      <Text style={styles.p}>{f.remediation}</Text>
      {f.references.length > 0 && (
        <View>
          <Text style={styles.h4}>References</Text>
          <Text>{f.references.map((r) => `• ${r}`).join('\n')}</Text>
        </View>
      )}
    </Section>
  );
}
