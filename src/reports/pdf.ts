/**
 * Printed documents (the compliance briefing, the field reports' week) as the union files
 * them: A4 portrait, Noto Sans (fonts 'r' and 'b') with an exact text layer (`features`:
 * fontkit's ccmp off), a title block, wrapped text that is never cut (rows measured with
 * heightOfString), tables whose header comes again on each new page, a signature block and
 * page numbers. The words of the title and signature blocks are `exports.briefing.*`.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import type { Locale } from '../config';
import { unitName } from '../org';
import { dateTimeText, dayText } from '../shared/dates';
import { EXACT_TEXT, FONT_BOLD, FONT_REGULAR } from '../shared/pdf-fonts';

export const PDF_INK = '#111111';
export const PDF_MUTED = '#4a5560';
export const PDF_RULE = '#c9ced6';
const HEAD_FILL = '#eef1f5';
const SHADE_FILL = '#f7f8fa';
const MARGIN = 42;

type Translate = (key: string, params?: Record<string, string | number>) => string;
type Named = { nameVi: string; nameEn: string };

export interface TextStyle {
  bold?: boolean;
  size?: number;
  color?: string;
  align?: 'left' | 'center' | 'right';
}

/** A table cell: one text, or several lines (each wrapped) one under the other. */
export type PdfCell = string | { text: string; bold?: boolean; size?: number; color?: string }[];
export interface PdfColumn {
  header: string;
  width: number;
  align?: 'left' | 'right';
}
/** A line written above a table and kept on the page with its header and first row. */
export interface PdfTitle {
  text: string;
  bold?: boolean;
  size?: number;
  gap?: number;
}
export interface PdfRow {
  cells: PdfCell[];
  bold?: boolean;
  shade?: boolean;
}

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

/** An A4 portrait document written from the top down; `y` is where the next thing goes. */
export class PrintedDoc {
  readonly doc: PDFKit.PDFDocument;
  readonly features = EXACT_TEXT;
  readonly left = MARGIN;
  readonly width: number;
  /** The lowest y text may reach (room is kept for the page number). */
  readonly bottom: number;
  y = MARGIN;
  private readonly end: () => Promise<void>;

  constructor(
    out: Writable,
    private readonly t: Translate,
    private readonly locale: Locale,
  ) {
    const { doc, finish } = newPdf(out, 'portrait', MARGIN);
    this.doc = doc;
    this.end = finish;
    this.width = doc.page.width - 2 * MARGIN;
    this.bottom = doc.page.height - MARGIN - 16;
  }

  /** Writes wrapped text at (x, top) in `w` and returns its height. */
  write(text: string, x: number, top: number, w: number, o: TextStyle = {}): number {
    this.doc.font(o.bold ? 'b' : 'r').fontSize(o.size ?? 9).fillColor(o.color ?? PDF_INK);
    this.doc.text(text, x, top, { width: w, align: o.align ?? 'left', features: this.features });
    return this.doc.heightOfString(text, { width: w, features: this.features });
  }

  measure(text: string, w: number, o: { bold?: boolean; size?: number } = {}): number {
    this.doc.font(o.bold ? 'b' : 'r').fontSize(o.size ?? 9);
    return this.doc.heightOfString(text, { width: w, features: this.features });
  }

  /** The narrowest column that holds `header` (bold, as a table writes it) breaking between words only, at least `min` points. */
  columnFor(header: string, min: number): number {
    this.doc.font('b').fontSize(8.5);
    const words = header.split(/\s+/).map((w) => this.doc.widthOfString(w, { features: this.features }));
    return Math.max(min, Math.ceil(Math.max(...words)) + 2 * 4 + 1);
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
  }

  /** A new page unless `h` more points fit on this one. */
  ensure(h: number): void {
    if (this.y + h > this.bottom) this.newPage();
  }

  /** A paragraph across the page (indented by `indent`) at `y`, on the next page if it does not fit here. */
  paragraph(text: string, o: TextStyle & { indent?: number; gap?: number } = {}): void {
    const x = this.left + (o.indent ?? 0);
    const w = this.width - (o.indent ?? 0);
    this.ensure(this.measure(text, w, o));
    this.y += this.write(text, x, this.y, w, o) + (o.gap ?? 4);
  }

  /** A section heading, kept on the page with at least `keep` points of what follows. */
  heading(text: string, keep = 60): void {
    this.ensure(this.measure(text, this.width, { bold: true, size: 11.5 }) + keep);
    this.y += this.write(text, this.left, this.y, this.width, { bold: true, size: 11.5 }) + 6;
  }

  /** A section heading as a table's title. */
  static heading(text: string): PdfTitle {
    return { text, bold: true, size: 11.5, gap: 6 };
  }

  /**
   * The title block: the union and the unit (upper case, underlined) on the left, when it
   * was made on the right; then the title and its lines, centred.
   */
  titleBlock(unit: Named, title: string, lines: string[], now: Date): void {
    const { left, width } = this;
    const half = (width - 20) / 2;
    const unitLine = unitName(unit, this.locale).toLocaleUpperCase(this.locale === 'vi' ? 'vi-VN' : 'en-GB');
    let hl = this.write(this.t('exports.briefing.union'), left, this.y, half, { size: 10, align: 'center' });
    hl += this.write(unitLine, left, this.y + hl, half, { bold: true, size: 10, align: 'center' });
    this.doc.save().moveTo(left + half / 2 - 40, this.y + hl + 3).lineTo(left + half / 2 + 40, this.y + hl + 3).lineWidth(0.6).stroke(PDF_INK).restore();
    const hr = this.write(this.t('exports.briefing.made', { when: dateTimeText(now) }), left + half + 20, this.y, half, { size: 9, color: PDF_MUTED, align: 'right' });
    this.y += Math.max(hl + 8, hr) + 16;
    this.y += this.write(title, left, this.y, width, { bold: true, size: 15, align: 'center' }) + 2;
    for (const line of lines) this.y += this.write(line, left, this.y, width, { size: 9.5, color: PDF_MUTED, align: 'center' }) + 2;
    this.y += 14;
  }

  /**
   * A table: its header, then each row measured (every cell wraps in its column); a row
   * that does not fit starts a new page with `continued` and the header again. `titles` go
   * above it, never alone at the foot of a page.
   */
  table(columns: PdfColumn[], rows: PdfRow[], continued: string, titles: PdfTitle[] = []): void {
    const pad = 4;
    const { doc, left, width } = this;
    const inner = (i: number) => columns[i]!.width - 2 * pad;
    const cellHeight = (cell: PdfCell, i: number, bold?: boolean) =>
      typeof cell === 'string' ? this.measure(cell, inner(i), { bold }) : cell.reduce((h, part) => h + this.measure(part.text, inner(i), { bold: part.bold ?? bold, size: part.size }), 0);
    const headerHeight = Math.max(...columns.map((c, i) => this.measure(c.header, inner(i), { bold: true, size: 8.5 }))) + 2 * pad;
    const drawHeader = () => {
      doc.save().rect(left, this.y, width, headerHeight).fill(HEAD_FILL).restore();
      let x = left;
      columns.forEach((c, i) => {
        this.write(c.header, x + pad, this.y + pad, inner(i), { bold: true, size: 8.5, align: c.align ?? 'left' });
        x += c.width;
      });
      this.y += headerHeight;
    };
    const titlesHeight = titles.reduce((h, title) => h + this.measure(title.text, width, title) + (title.gap ?? 4), 0);
    this.ensure(titlesHeight + headerHeight + (rows[0] ? Math.max(...rows[0].cells.map((c, i) => cellHeight(c, i, rows[0]!.bold))) + 2 * pad : 0));
    for (const title of titles) this.y += this.write(title.text, left, this.y, width, title) + (title.gap ?? 4);
    drawHeader();
    for (const row of rows) {
      const h = Math.max(...row.cells.map((c, i) => cellHeight(c, i, row.bold)), 12) + 2 * pad;
      if (this.y + h > this.bottom) {
        this.newPage();
        this.y += this.write(continued, left, this.y, width, { size: 9, color: PDF_MUTED }) + 4;
        drawHeader();
      }
      if (row.shade) doc.save().rect(left, this.y, width, h).fill(SHADE_FILL).restore();
      let x = left;
      row.cells.forEach((cell, i) => {
        const align = columns[i]!.align ?? 'left';
        if (typeof cell === 'string') this.write(cell, x + pad, this.y + pad, inner(i), { bold: row.bold, align });
        else {
          let top = this.y + pad;
          for (const part of cell) top += this.write(part.text, x + pad, top, inner(i), { bold: part.bold ?? row.bold, size: part.size, color: part.color, align });
        }
        x += columns[i]!.width;
      });
      doc.save().moveTo(left, this.y + h).lineTo(left + width, this.y + h).lineWidth(0.4).stroke(PDF_RULE).restore();
      this.y += h;
    }
  }

  /** Signatures: the place and date, who prepared it, and the head of the unit, with room to sign. */
  signatures(place: Named, now: Date): void {
    const { left, t } = this;
    const half = (this.width - 20) / 2;
    const [dd, mm, yyyy] = dayText(now).split('/');
    const placeLine = t('exports.briefing.placeDate', { place: unitName(place, this.locale), dd: dd!, mm: mm!, yyyy: yyyy! });
    this.ensure(this.measure(placeLine, half, { size: 9.5 }) + 90);
    this.y += this.write(placeLine, left + half + 20, this.y, half, { size: 9.5, align: 'center' }) + 4;
    this.write(t('exports.briefing.preparer'), left, this.y, half, { bold: true, size: 10, align: 'center' });
    this.write(t('exports.briefing.leader'), left + half + 20, this.y, half, { bold: true, size: 10, align: 'center' });
    this.y += 14;
    this.write(t('exports.briefing.signHint'), left, this.y, half, { size: 8.5, color: PDF_MUTED, align: 'center' });
    this.write(t('exports.briefing.leaderHint'), left + half + 20, this.y, half, { size: 8.5, color: PDF_MUTED, align: 'center' });
    this.y += 80;
  }

  /** Numbers every page, ends the document and resolves once it is all written. */
  async finish(): Promise<void> {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      doc.page.margins.bottom = 0; // the number sits in the margin: no new page for it
      doc.font('r').fontSize(8).fillColor(PDF_MUTED).text(this.t('exports.briefing.page', { n: i + 1, total: range.count }), this.left, doc.page.height - MARGIN - 8, { width: this.width, align: 'center', features: this.features, lineBreak: false });
    }
    await this.end();
  }
}
