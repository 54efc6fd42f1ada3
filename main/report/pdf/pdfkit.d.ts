// The one thing used of pdfkit (react-pdf's PDF library): its document class's prototype.
declare module 'pdfkit' {
  const PDFDocument: { prototype: object };
  export default PDFDocument;
}
