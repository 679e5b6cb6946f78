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
import { PDF_MUTED as MUTED, PDF_RULE, PrintedDoc } from './pdf';
import { percent, type Figures } from './rollup.model';

const TRACK = '#e6e9ee';
const BAR = '#1f5fa8';

const pct = (f: Figures) => `${percent(f)}%`;

export async function writeBriefingPdf(out: Writable, b: Briefing, t: TranslateFn, locale: Locale, now = new Date()): Promise<void> {
  const p = new PrintedDoc(out, t, locale);

  // Title block: the union and the unit on the left, when it was made on the right.
  p.titleBlock(b.unit, t('exports.briefing.title'), [t('exports.briefing.courses'), ...(b.builtAt ? [t('exports.briefing.figuresAt', { when: dateTimeText(b.builtAt) })] : [])], now);
  complianceBlock(p, b, t);
  childrenSections(p, b, t, locale);
  p.signatures(b.unit, now);
  await p.finish();
}

/** The child units' table and the units furthest behind (nothing when the unit has no children); the weekly briefing pack draws them too. */
export function childrenSections(p: PrintedDoc, b: Briefing, t: TranslateFn, locale: Locale): void {
  if (b.children.length === 0) return;
  const name = (r: { unit: RollupRow['unit'] }) => unitName(r.unit, locale);
  childUnitsTable(p, b, t, locale, name);
  lowestList(p, b, t, name);
}

/** A rate as a bar on its track (full width is 100%). */
function drawBar(p: PrintedDoc, x: number, top: number, w: number, h: number, value: number, color = BAR): void {
  const { doc } = p;
  doc.save().rect(x, top, w, h).fill(TRACK);
  if (value > 0) doc.rect(x, top, (w * Math.min(100, value)) / 100, h).fill(color);
  doc.rect(x, top, w, h).lineWidth(0.5).stroke(PDF_RULE).restore();
}

/** The unit against 100%, and the change since the last weekly snapshot (the weekly briefing pack draws it too). */
export function complianceBlock(p: PrintedDoc, b: Briefing, t: TranslateFn): void {
  const { left, width } = p;
  const write = p.write.bind(p);
  const f = b.total;
  p.y += write(t('exports.briefing.compliance', { pct: pct(f), compliant: f.compliant, people: f.people }), left, p.y, width, { bold: true, size: 12 }) + 4;
  drawBar(p, left, p.y, width, 14, percent(f));
  p.y += 16;
  write('0%', left, p.y, 40, { size: 7.5, color: MUTED });
  p.y += write(t('exports.briefing.target'), left + width - 160, p.y, 160, { size: 7.5, color: MUTED, align: 'right' }) + 6;
  const change = b.change
    ? t('exports.briefing.change', { points: `${b.change.points > 0 ? '+' : b.change.points < 0 ? '−' : '±'}${Math.abs(b.change.points)}`, date: dayText(b.change.takenOn), before: `${b.change.before}%` })
    : t('exports.briefing.noChange');
  p.y += write(change, left, p.y, width, { size: 10 }) + 2;
  p.y += write(t('exports.briefing.figures', { people: f.people, dl: f.digitalLiteracy, tlg: f.twoLevelGovernment }), left, p.y, width, { size: 10, color: MUTED }) + 16;
}

/** One row per child unit: the unit's name and code (wrapped), its figures and a bar; then the total. */
function childUnitsTable(p: PrintedDoc, b: Briefing, t: TranslateFn, locale: Locale, name: (r: { unit: RollupRow['unit'] }) => string): void {
  const { doc, left, width } = p;
  const write = p.write.bind(p);
  const measure = p.measure.bind(p);
  // The course columns are wide enough for their longest word ("Government" in bold): a header wraps between words only.
  const cols = [{ w: 166 }, { w: 46 }, { w: 66 }, { w: 66 }, { w: 54 }, { w: width - 398 }];
  const pad = 4;
  const headers = [t('exports.briefing.unitCol'), t('exports.briefing.peopleCol'), t('cohorts.courseShort.digital-literacy'), t('cohorts.courseShort.two-level-government'), t('exports.briefing.compliantCol'), t('exports.briefing.rateCol')];
  const drawHeader = () => {
    const h = Math.max(...headers.map((text, i) => measure(text, cols[i]!.w - 2 * pad, { bold: true, size: 8.5 }))) + 2 * pad;
    doc.save().rect(left, p.y, width, h).fill('#eef1f5').restore();
    let x = left;
    headers.forEach((text, i) => {
      write(text, x + pad, p.y + pad, cols[i]!.w - 2 * pad, { bold: true, size: 8.5, align: i === 0 ? 'left' : 'right' });
      x += cols[i]!.w;
    });
    p.y += h;
  };
  const rowHeight = (label: string, code: string) => measure(label, cols[0]!.w - 2 * pad) + (code ? measure(code, cols[0]!.w - 2 * pad, { size: 8 }) : 0) + 2 * pad;
  const drawRow = (label: string, code: string, g: Figures, o: { bold?: boolean; shade?: boolean } = {}) => {
    const h = Math.max(rowHeight(label, code), 22);
    if (p.y + h > p.bottom) {
      p.newPage();
      p.y += write(t('exports.briefing.continued', { unit: unitName(b.unit, locale) }), left, p.y, width, { size: 9, color: MUTED }) + 4;
      drawHeader();
    }
    if (o.shade) doc.save().rect(left, p.y, width, h).fill('#f7f8fa').restore();
    const nameH = write(label, left + pad, p.y + pad, cols[0]!.w - 2 * pad, { bold: o.bold });
    if (code) write(code, left + pad, p.y + pad + nameH, cols[0]!.w - 2 * pad, { size: 8, color: MUTED });
    let x = left + cols[0]!.w;
    [g.people, g.digitalLiteracy, g.twoLevelGovernment, g.compliant].forEach((n, i) => {
      write(String(n), x + pad, p.y + pad, cols[i + 1]!.w - 2 * pad, { bold: o.bold, align: 'right' });
      x += cols[i + 1]!.w;
    });
    const rateW = cols[5]!.w - 2 * pad;
    write(pct(g), x + pad, p.y + pad, 40, { bold: o.bold, align: 'right' });
    drawBar(p, x + pad + 46, p.y + pad + 2, rateW - 46, 8, percent(g));
    doc.save().moveTo(left, p.y + h).lineTo(left + width, p.y + h).lineWidth(0.4).stroke(PDF_RULE).restore();
    p.y += h;
  };

  p.ensure(80);
  p.y += write(t('exports.briefing.childrenTitle'), left, p.y, width, { bold: true, size: 11.5 }) + 6;
  drawHeader();
  b.children.forEach((c, i) => drawRow(name(c), c.unit.code, c.figures, { shade: i % 2 === 1 }));
  drawRow(t('exports.briefing.total'), '', b.total, { bold: true });
  p.y += 16;
}

/** The units furthest behind, ranked. */
function lowestList(p: PrintedDoc, b: Briefing, t: TranslateFn, name: (r: { unit: RollupRow['unit'] }) => string): void {
  const { left, width } = p;
  const write = p.write.bind(p);
  const lines = b.lowest.map((c, i) => t('exports.briefing.lowestLine', { rank: i + 1, name: name(c), code: c.unit.code, pct: pct(c.figures), compliant: c.figures.compliant, people: c.figures.people }));
  p.ensure(24 + Math.min(3, lines.length) * 14);
  p.y += write(t('exports.briefing.lowestTitle', { n: lines.length }), left, p.y, width, { bold: true, size: 11.5 }) + 4;
  if (lines.length === 0) p.y += write(t('exports.briefing.noLowest'), left, p.y, width, { size: 9.5 }) + 4;
  for (const line of lines) {
    p.ensure(p.measure(line, width - 12, { size: 9.5 }) + 3);
    p.y += write(line, left + 12, p.y, width - 12, { size: 9.5 }) + 3;
  }
  p.y += 16;
}
