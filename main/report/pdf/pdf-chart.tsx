// Findings by severity as horizontal bars (Views: no SVG parsing needed).
import { Text, View } from '@react-pdf/renderer';
import type { Severity } from '../../../shared/assessment.js';
import { severityColour } from '../severity-style.js';

export function PdfSeverityChart({ counts }: { counts: { severity: Severity; count: number }[] }) {
  const max = Math.max(1, ...counts.map((c) => c.count));
  return (
    <View style={{ marginVertical: 8 }}>
      {counts.map((c) => (
        <View key={c.severity} style={{ flexDirection: 'row', alignItems: 'center', marginBottom: 3 }}>
          <Text style={{ width: 60 }}>{c.severity}</Text>
          <View style={{ width: Math.max(2, (c.count / max) * 300), height: 12, backgroundColor: severityColour[c.severity].bg }} />
          <Text style={{ marginLeft: 6 }}>{String(c.count)}</Text>
        </View>
      ))}
    </View>
  );
}
