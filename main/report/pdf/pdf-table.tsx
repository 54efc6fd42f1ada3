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
            // The cell is the Text itself (a View around each cell doubled the layout nodes).
            <Text key={j} style={mono ? [styles.cell, flex(j), styles.mono] : [styles.cell, flex(j)]}>
              {c}
            </Text>
          ))}
        </View>
      ))}
    </View>
  );
}
