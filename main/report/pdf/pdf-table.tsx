// A table whose header row repeats at the top of every page it spans (a `fixed` row inside
// the table's View), rows kept whole.
import { Text, View } from '@react-pdf/renderer';
import type { ReactNode } from 'react';
import { styles } from './pdf-styles.js';

export interface PdfTableProps {
  head: string[];
  rows: ReactNode[][];
  /** Relative column widths (flex). */
  widths?: number[];
  mono?: boolean;
}

export function PdfTable({ head, rows, widths, mono }: PdfTableProps) {
  const flex = (i: number) => ({ flex: widths?.[i] ?? 1 });
  return (
    <View style={{ marginVertical: 4 }}>
      <View style={styles.tableHead} fixed minPresenceAhead={24}>
        {head.map((h, i) => (
          <Text key={i} style={[styles.headCell, flex(i)]}>{h}</Text>
        ))}
      </View>
      {rows.map((r, i) => (
        <View key={i} style={styles.tableRow} wrap={false}>
          {r.map((c, j) => (
            <View key={j} style={[styles.cell, flex(j)]}>
              {typeof c === 'string' || typeof c === 'number' ? <Text style={mono ? styles.mono : undefined}>{c}</Text> : c}
            </View>
          ))}
        </View>
      ))}
    </View>
  );
}
