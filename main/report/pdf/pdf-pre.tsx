// Preformatted lines (transcripts, evidence): one Text per line. A line break inside a Text is
// a character no font has a glyph for, so react-pdf would switch to its Helvetica fallback for it.
import { Text, View } from '@react-pdf/renderer';
import { styles } from './pdf-styles.js';

export function PdfPre({ lines }: { lines: string[] }) {
  return (
    <View style={styles.preBox}>
      {lines.map((line, i) => (
        <Text key={i} style={styles.mono}>
          {line || ' '}
        </Text>
      ))}
    </View>
  );
}
