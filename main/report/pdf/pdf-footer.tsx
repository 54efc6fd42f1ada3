// The footer of every sheet, drawn with the PDF library's text call in a Canvas of fixed size:
// react-pdf lays the page chrome out four times per sheet (measuring the content region and
// building the sheet, in each of its two pagination rounds), a full text layout each time for
// two short strings. Drawn text stays text; the title is cut with an ellipsis to one line.
import { Canvas, Font } from '@react-pdf/renderer';
import { loadedFont, SANS, SANS_FILE } from './pdf-fonts.js';
import { styles } from './pdf-styles.js';

const SIZE = 7.5;
const COLOUR = '#6b7280';

interface Shaper {
  unitsPerEm: number;
  layout: (t: string) => { positions: { xAdvance: number }[] };
}

/** Width in points of a line in the sans font (loaded by pdfReport before rendering). */
function widthOf(text: string): number {
  const font = Font.getFont({ fontFamily: SANS })?.data as unknown as Shaper | null;
  if (!font?.layout) return text.length * SIZE * 0.6;
  return (font.layout(text).positions.reduce((w, p) => w + p.xAdvance, 0) / font.unitsPerEm) * SIZE;
}

/** The text cut at whole characters to fit `room` points, an ellipsis marking the cut. */
function fit(text: string, room: number): string {
  if (widthOf(text) <= room) return text;
  const chars = [...text];
  while (chars.length > 0 && widthOf(`${chars.join('')}…`) > room) chars.splice(-Math.max(1, Math.ceil(chars.length / 10)));
  return `${chars.join('')}…`;
}

interface Painter {
  font?: (src: unknown, size?: number) => Painter;
  fillColor: (c: string) => Painter;
  text: (s: string, x: number, y: number, o: object) => Painter;
}

export function PdfFooter({ left, right }: { left: string; right: string }) {
  const paint = (p: Painter, width: number) => {
    if (!p.font) return null; // react-pdf's measuring context: the size is given in style
    const rightWidth = widthOf(right);
    p.font(loadedFont(SANS, SANS_FILE), SIZE).fillColor(COLOUR);
    p.text(fit(left, width - rightWidth - 12), 0, 0, { lineBreak: false });
    p.text(right, width - rightWidth, 0, { lineBreak: false });
    return null;
  };
  return <Canvas style={styles.footer} paint={paint as (p: unknown, w: number) => null} />;
}
