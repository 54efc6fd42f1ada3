// Preformatted lines (transcripts, evidence) as one Text: one Text per line costs a layout pass
// each (a quarter more time for 100 findings). The line breaks themselves have no glyph in any
// font, so react-pdf's font list names Helvetica for them; nothing visible is drawn with it.
import { Text } from '@react-pdf/renderer';
import { styles } from './pdf-styles.js';

export function PdfPre({ lines }: { lines: string[] }) {
  return <Text style={styles.pre}>{lines.join('\n')}</Text>;
}
