/**
 * PDF documents with Noto Sans (fonts 'r' and 'b') and an exact text layer (`features`:
 * fontkit's ccmp off). `newPdf` is a bare A4 page; `openPdf` is the field-report summary's
 * landscape page with its title and subtitle written and a one-line `cell`.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import { EXACT_TEXT, FONT_BOLD, FONT_REGULAR } from '../shared/pdf-fonts';

export function newPdf(out: Writable, layout: 'portrait' | 'landscape', margin: number) {
  const doc = new PDFDocument({ size: 'A4', layout, margin, bufferPages: true });
  doc.pipe(out);
  doc.registerFont('r', FONT_REGULAR).registerFont('b', FONT_BOLD);
  const finish = async () => {
    const done = once(out, 'finish');
    doc.end();
    await done;
  };
  return { doc, features: EXACT_TEXT, finish };
}

/**
 * An A4 landscape PDF on `out` with its title and subtitle written; `cell` writes one line
 * that never wraps (cut with an ellipsis when too long); `finish` ends the document and
 * resolves once it is all written.
 */
export function openPdf(out: Writable, title: string, subtitle: string) {
  const { doc, features, finish } = newPdf(out, 'landscape', 36);
  doc.font('b').fontSize(16).text(title, { features });
  doc.font('r').fontSize(10).fillColor('#5a6470').text(subtitle, { features }).fillColor('#000');
  const cell = (text: string, x: number, y: number, width: number, o: { bold?: boolean; size?: number } = {}) => {
    const size = o.size ?? 9;
    // A height of one line is what makes pdfkit cut rather than wrap.
    doc.font(o.bold ? 'b' : 'r').fontSize(size).text(text, x, y, { width, height: size * 1.3, ellipsis: true, features });
  };
  return { doc, features, cell, finish };
}
