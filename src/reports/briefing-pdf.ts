/**
 * The briefing PDF a province prints for its weekly meeting: A4 portrait, a title block,
 * the unit's compliance against 100% with the change since the last weekly snapshot, one
 * row per child unit with a bar for its rate, the units furthest behind, and a signature
 * block. Nothing is cut short: names and codes wrap, rows are measured, and a table that
 * does not fit continues on the next page under its header again.
 */
import type { Writable } from 'node:stream';
import type { Locale } from '../config';
import { unitName } from '../org';
import { dateTimeText, dayText } from '../shared/dates';
import type { TranslateFn } from '../shared/i18n';
import type { Briefing } from './briefing';
import type { RollupRow } from './exports';
import { newPdf } from './pdf';
import { percent, type Figures } from './rollup.model';

const MARGIN = 42;
const INK = '#111111';
const MUTED = '#4a5560';
const RULE = '#c9ced6';
const TRACK = '#e6e9ee';
const BAR = '#1f5fa8';

export async function writeBriefingPdf(out: Writable, b: Briefing, t: TranslateFn, locale: Locale, now = new Date()): Promise<void> {
  const { doc, features, finish } = newPdf(out, 'portrait', MARGIN);
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN - 16; // room for the page number
  const name = (r: { unit: RollupRow['unit'] }) => unitName(r.unit, locale);
  const pct = (f: Figures) => `${percent(f)}%`;
  let y = MARGIN;

  /** Writes wrapped text at (x, y) in `w` and returns its height. */
  const write = (text: string, x: number, top: number, w: number, o: { bold?: boolean; size?: number; color?: string; align?: 'left' | 'center' | 'right' } = {}) => {
    doc.font(o.bold ? 'b' : 'r').fontSize(o.size ?? 9).fillColor(o.color ?? INK);
    doc.text(text, x, top, { width: w, align: o.align ?? 'left', features });
    return doc.heightOfString(text, { width: w, features });
  };
  const measure = (text: string, w: number, o: { bold?: boolean; size?: number } = {}) => {
    doc.font(o.bold ? 'b' : 'r').fontSize(o.size ?? 9);
    return doc.heightOfString(text, { width: w, features });
  };
  const bar = (x: number, top: number, w: number, h: number, value: number, color = BAR) => {
    doc.save().rect(x, top, w, h).fill(TRACK);
    if (value > 0) doc.rect(x, top, (w * Math.min(100, value)) / 100, h).fill(color);
    doc.rect(x, top, w, h).lineWidth(0.5).stroke(RULE).restore();
  };
  const newPage = () => {
    doc.addPage();
    y = MARGIN;
  };
  const ensure = (h: number) => {
    if (y + h > bottom) newPage();
  };

  // Title block: the union and the unit on the left, when it was made on the right.
  const half = (width - 20) / 2;
  const unitLine = unitName(b.unit, locale).toLocaleUpperCase(locale === 'vi' ? 'vi-VN' : 'en-GB');
  let hl = write(t('exports.briefing.union'), left, y, half, { size: 10, align: 'center' });
  hl += write(unitLine, left, y + hl, half, { bold: true, size: 10, align: 'center' });
  doc.save().moveTo(left + half / 2 - 40, y + hl + 3).lineTo(left + half / 2 + 40, y + hl + 3).lineWidth(0.6).stroke(INK).restore();
  const hr = write(t('exports.briefing.made', { when: dateTimeText(now) }), left + half + 20, y, half, { size: 9, color: MUTED, align: 'right' });
  y += Math.max(hl + 8, hr) + 16;
  y += write(t('exports.briefing.title'), left, y, width, { bold: true, size: 15, align: 'center' }) + 2;
  y += write(t('exports.briefing.courses'), left, y, width, { size: 9.5, color: MUTED, align: 'center' }) + 2;
  if (b.builtAt) y += write(t('exports.briefing.figuresAt', { when: dateTimeText(b.builtAt) }), left, y, width, { size: 9, color: MUTED, align: 'center' });
  y += 16;

  // The unit against 100%, and the change since the last weekly snapshot.
  const f = b.total;
  y += write(t('exports.briefing.compliance', { pct: pct(f), compliant: f.compliant, people: f.people }), left, y, width, { bold: true, size: 12 }) + 4;
  bar(left, y, width, 14, percent(f));
  y += 16;
  write('0%', left, y, 40, { size: 7.5, color: MUTED });
  y += write(t('exports.briefing.target'), left + width - 160, y, 160, { size: 7.5, color: MUTED, align: 'right' }) + 6;
  const change = b.change
    ? t('exports.briefing.change', { points: `${b.change.points > 0 ? '+' : b.change.points < 0 ? '−' : '±'}${Math.abs(b.change.points)}`, date: dayText(b.change.takenOn), before: `${b.change.before}%` })
    : t('exports.briefing.noChange');
  y += write(change, left, y, width, { size: 10 }) + 2;
  y += write(t('exports.briefing.figures', { people: f.people, dl: f.digitalLiteracy, tlg: f.twoLevelGovernment }), left, y, width, { size: 10, color: MUTED }) + 16;

  // One row per child unit: the unit's name and code (wrapped), its figures and a bar.
  // The course columns are wide enough for their longest word ("Government" in bold): a header wraps between words only.
  const cols = [{ w: 166 }, { w: 46 }, { w: 66 }, { w: 66 }, { w: 54 }, { w: width - 398 }];
  const pad = 4;
  const headers = [t('exports.briefing.unitCol'), t('exports.briefing.peopleCol'), t('cohorts.courseShort.digital-literacy'), t('cohorts.courseShort.two-level-government'), t('exports.briefing.compliantCol'), t('exports.briefing.rateCol')];
  const drawHeader = () => {
    const h = Math.max(...headers.map((text, i) => measure(text, cols[i]!.w - 2 * pad, { bold: true, size: 8.5 }))) + 2 * pad;
    doc.save().rect(left, y, width, h).fill('#eef1f5').restore();
    let x = left;
    headers.forEach((text, i) => {
      write(text, x + pad, y + pad, cols[i]!.w - 2 * pad, { bold: true, size: 8.5, align: i === 0 ? 'left' : 'right' });
      x += cols[i]!.w;
    });
    y += h;
  };
  const rowHeight = (label: string, code: string) => measure(label, cols[0]!.w - 2 * pad) + (code ? measure(code, cols[0]!.w - 2 * pad, { size: 8 }) : 0) + 2 * pad;
  const drawRow = (label: string, code: string, g: Figures, o: { bold?: boolean; shade?: boolean } = {}) => {
    const h = Math.max(rowHeight(label, code), 22);
    if (y + h > bottom) {
      newPage();
      y += write(t('exports.briefing.continued', { unit: unitName(b.unit, locale) }), left, y, width, { size: 9, color: MUTED }) + 4;
      drawHeader();
    }
    if (o.shade) doc.save().rect(left, y, width, h).fill('#f7f8fa').restore();
    const nameH = write(label, left + pad, y + pad, cols[0]!.w - 2 * pad, { bold: o.bold });
    if (code) write(code, left + pad, y + pad + nameH, cols[0]!.w - 2 * pad, { size: 8, color: MUTED });
    let x = left + cols[0]!.w;
    [g.people, g.digitalLiteracy, g.twoLevelGovernment, g.compliant].forEach((n, i) => {
      write(String(n), x + pad, y + pad, cols[i + 1]!.w - 2 * pad, { bold: o.bold, align: 'right' });
      x += cols[i + 1]!.w;
    });
    const rateW = cols[5]!.w - 2 * pad;
    write(pct(g), x + pad, y + pad, 40, { bold: o.bold, align: 'right' });
    bar(x + pad + 46, y + pad + 2, rateW - 46, 8, percent(g));
    doc.save().moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.4).stroke(RULE).restore();
    y += h;
  };

  if (b.children.length > 0) {
    ensure(80);
    y += write(t('exports.briefing.childrenTitle'), left, y, width, { bold: true, size: 11.5 }) + 6;
    drawHeader();
    b.children.forEach((c, i) => drawRow(name(c), c.unit.code, c.figures, { shade: i % 2 === 1 }));
    drawRow(t('exports.briefing.total'), '', f, { bold: true });
    y += 16;

    // The units furthest behind, ranked.
    const lines = b.lowest.map((c, i) => t('exports.briefing.lowestLine', { rank: i + 1, name: name(c), code: c.unit.code, pct: pct(c.figures), compliant: c.figures.compliant, people: c.figures.people }));
    ensure(24 + Math.min(3, lines.length) * 14);
    y += write(t('exports.briefing.lowestTitle', { n: lines.length }), left, y, width, { bold: true, size: 11.5 }) + 4;
    if (lines.length === 0) y += write(t('exports.briefing.noLowest'), left, y, width, { size: 9.5 }) + 4;
    for (const line of lines) {
      ensure(measure(line, width - 12, { size: 9.5 }) + 3);
      y += write(line, left + 12, y, width - 12, { size: 9.5 }) + 3;
    }
    y += 16;
  }

  // Signatures: who prepared it, and the head of the unit, with room to sign.
  const [dd, mm, yyyy] = dayText(now).split('/');
  const placeLine = t('exports.briefing.placeDate', { place: unitName(b.unit, locale), dd: dd!, mm: mm!, yyyy: yyyy! });
  const signH = measure(placeLine, half, { size: 9.5 }) + 90;
  ensure(signH);
  write(placeLine, left + half + 20, y, half, { size: 9.5, align: 'center' });
  y += measure(placeLine, half, { size: 9.5 }) + 4;
  write(t('exports.briefing.preparer'), left, y, half, { bold: true, size: 10, align: 'center' });
  write(t('exports.briefing.leader'), left + half + 20, y, half, { bold: true, size: 10, align: 'center' });
  y += 14;
  write(t('exports.briefing.signHint'), left, y, half, { size: 8.5, color: MUTED, align: 'center' });
  write(t('exports.briefing.leaderHint'), left + half + 20, y, half, { size: 8.5, color: MUTED, align: 'center' });

  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // the number sits in the margin: no new page for it
    doc.font('r').fontSize(8).fillColor(MUTED).text(t('exports.briefing.page', { n: i + 1, total: range.count }), left, doc.page.height - MARGIN - 8, { width, align: 'center', features, lineBreak: false });
  }
  await finish();
}
