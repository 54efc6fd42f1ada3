import { StyleSheet } from '@react-pdf/renderer';
import { MONO, SANS } from './pdf-fonts.js';

/** Preformatted text (pdf-pre.tsx draws it itself): size and line pitch in points. */
export const PRE_FONT_SIZE = 7;
export const PRE_LINE_HEIGHT = 9.1;
/** A4's width less the page's horizontal padding: the width of the page's content. */
export const CONTENT_WIDTH = 595.28 - 2 * 44;

/** Grey of notes and captions. */
export const NOTE = '#4b5563';

export const styles = StyleSheet.create({
  page: { fontFamily: SANS, fontSize: 9, paddingTop: 42, paddingBottom: 48, paddingHorizontal: 44, color: '#1f2937' },
  h1: { fontSize: 22, fontWeight: 'bold', marginBottom: 10 },
  h2: { fontSize: 15, fontWeight: 'bold', marginBottom: 8, paddingBottom: 3, borderBottomWidth: 1.5, borderBottomColor: '#1f2937' },
  h3: { fontSize: 11, fontWeight: 'bold', marginTop: 8, marginBottom: 4 },
  h4: { fontSize: 9.5, fontWeight: 'bold', marginTop: 6, marginBottom: 2 },
  /** A heading as the first run of its paragraph's Text. */
  runH4: { fontSize: 9.5, fontWeight: 'bold' },
  p: { marginBottom: 4 },
  /** A note as a run inside a heading's Text (normal weight). */
  noteRun: { color: NOTE, fontSize: 8, fontWeight: 'normal' },
  mono: { fontFamily: MONO, fontSize: 7, lineHeight: 1.3 },
  finding: { borderLeftWidth: 4, paddingLeft: 8, marginBottom: 12 },
  metaRow: { flexDirection: 'row', marginBottom: 3 },
  metaKey: { width: 110, fontWeight: 'bold' },
  metaValue: { flex: 1 },
  tableHead: { flexDirection: 'row', backgroundColor: '#e5e7eb', borderBottomWidth: 0.5, borderColor: '#9ca3af' },
  tableRow: { flexDirection: 'row', borderBottomWidth: 0.5, borderColor: '#d1d5db' },
  cell: { paddingHorizontal: 3, paddingVertical: 2, fontSize: 7.5 },
  headCell: { paddingHorizontal: 3, paddingVertical: 2, fontSize: 7.5, fontWeight: 'bold' },
});
