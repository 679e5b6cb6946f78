/**
 * The printable sign-in sheet of a retraining session, for a day without network: A4
 * portrait in the union's document style (reports' PrintedDoc: the union and the unit,
 * the title, Noto Sans with an exact text layer), the session's title, time, place and
 * trainer, then one row per invitee — number, full name, username, unit, a box to sign
 * and a box to tick — sorted as Vietnamese class lists are (by given name, the last word,
 * then the whole name, in Vietnamese collation), with the table's header again on every
 * page, blank rows for walk-ins after the invitees, and the trainer's confirmation.
 * Phone numbers are left out on purpose: the sheet is passed from hand to hand in a hall.
 */
import type { Writable } from 'node:stream';
import type { Locale } from '../config';
import { PDF_MUTED, PrintedDoc } from '../reports';
import { dateTimeText } from '../shared/dates';
import type { TranslateFn } from '../shared/i18n';

const RULE = '#8a939e';
const HEAD_FILL = '#eef1f5';
const PAD = 4;
/** Room to write or sign by hand. */
const ROW_MIN = 26;
const MIN_BLANK_ROWS = 6;

export interface SheetSession {
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** Where, as the reader says it ("Village hall: Nhà văn hoá thôn 3"). */
  placeText: string;
  trainerName: string;
  trainerUsername: string;
  unit: { nameVi: string; nameEn: string };
}

export interface SheetPerson {
  fullName: string;
  username: string;
  unitName: string;
}

const collator = new Intl.Collator('vi', { sensitivity: 'base' });
const givenName = (fullName: string) => fullName.trim().split(/\s+/).pop() ?? '';

/** Vietnamese list order: by given name, then the whole name, then the username. */
export function byVietnameseName<T extends { fullName: string; username: string }>(people: T[]): T[] {
  return [...people].sort((a, b) => collator.compare(givenName(a.fullName), givenName(b.fullName)) || collator.compare(a.fullName, b.fullName) || a.username.localeCompare(b.username));
}

interface Column {
  header: string;
  width: number;
  box?: boolean;
}

export async function writeSignInSheet(out: Writable, s: SheetSession, people: SheetPerson[], t: TranslateFn, locale: Locale, now: Date): Promise<void> {
  const p = new PrintedDoc(out, t, locale);
  const when = t('retrainingCheckin.sheet.when', { start: dateTimeText(s.startsAt), end: dateTimeText(s.endsAt).slice(11) });
  p.titleBlock(s.unit, t('retrainingCheckin.sheet.title'), [s.title, when, t('retrainingCheckin.sheet.place', { place: s.placeText }), t('retrainingCheckin.sheet.trainer', { name: s.trainerName, username: s.trainerUsername })], now);
  p.paragraph(t('retrainingCheckin.sheet.instructions'), { size: 8.5, color: PDF_MUTED, gap: 8 });
  const columns = sheetColumns(p, t);
  const sorted = byVietnameseName(people);
  const continued = t('retrainingCheckin.sheet.continued', { title: s.title, when: dateTimeText(s.startsAt) });
  drawHeader(p, columns);
  sorted.forEach((person, i) => drawRow(p, columns, [String(i + 1), person.fullName, person.username, person.unitName], continued));
  // rows for walk-ins: at least a few, then to the foot of the page
  let n = sorted.length;
  for (let blank = 0; blank < MIN_BLANK_ROWS || p.y + ROW_MIN + 2 * PAD <= p.bottom - 120; blank++) {
    drawRow(p, columns, [String(++n), '', '', ''], continued);
    if (blank > 60) break;
  }
  confirmation(p, t, sorted.length);
  await p.finish();
}

function sheetColumns(p: PrintedDoc, t: TranslateFn): Column[] {
  const no = p.columnFor(t('retrainingCheckin.sheet.no'), 26);
  const tick = p.columnFor(t('retrainingCheckin.sheet.tick'), 44);
  const fixed = [no, 140, 86, 0, 110, tick];
  const unit = p.width - fixed.reduce((a, b) => a + b, 0);
  return [
    { header: t('retrainingCheckin.sheet.no'), width: no },
    { header: t('retrainingCheckin.sheet.fullName'), width: 140 },
    { header: t('retrainingCheckin.sheet.username'), width: 86 },
    { header: t('retrainingCheckin.sheet.unit'), width: unit },
    { header: t('retrainingCheckin.sheet.signature'), width: 110 },
    { header: t('retrainingCheckin.sheet.tick'), width: tick, box: true },
  ];
}

function drawHeader(p: PrintedDoc, columns: Column[]): void {
  const h = Math.max(...columns.map((c) => p.measure(c.header, c.width - 2 * PAD, { bold: true, size: 8.5 }))) + 2 * PAD;
  p.doc.save().rect(p.left, p.y, p.width, h).fill(HEAD_FILL).restore();
  let x = p.left;
  for (const c of columns) {
    p.write(c.header, x + PAD, p.y + PAD, c.width - 2 * PAD, { bold: true, size: 8.5 });
    x += c.width;
  }
  grid(p, columns, h);
  p.y += h;
}

/** The cell borders of a row `h` high at the current y. */
function grid(p: PrintedDoc, columns: Column[], h: number): void {
  const { doc, left, y } = p;
  doc.save().lineWidth(0.5).strokeColor(RULE).rect(left, y, p.width, h).stroke();
  let x = left;
  for (const c of columns.slice(0, -1)) {
    x += c.width;
    doc.moveTo(x, y).lineTo(x, y + h).stroke();
  }
  doc.restore();
}

/** One row (name and unit wrap, never cut); on a new page the session is named and the header comes again. */
function drawRow(p: PrintedDoc, columns: Column[], cells: string[], continued: string): void {
  const h = Math.max(ROW_MIN, ...cells.map((text, i) => p.measure(text, columns[i]!.width - 2 * PAD, { size: 9.5 }) + 2 * PAD));
  if (p.y + h > p.bottom) {
    p.newPage();
    p.y += p.write(continued, p.left, p.y, p.width, { size: 9, color: PDF_MUTED }) + 6;
    drawHeader(p, columns);
  }
  let x = p.left;
  columns.forEach((c, i) => {
    const text = cells[i] ?? '';
    if (text) p.write(text, x + PAD, p.y + PAD, c.width - 2 * PAD, { size: 9.5, bold: i === 1, align: i === 0 ? 'right' : 'left' });
    if (c.box) {
      const side = 12;
      p.doc.save().lineWidth(0.8).strokeColor('#111111').rect(x + (c.width - side) / 2, p.y + (h - side) / 2, side, side).stroke().restore();
    }
    x += c.width;
  });
  grid(p, columns, h);
  p.y += h;
}

/** Under the table: the counts to fill in, and the trainer's signature. */
function confirmation(p: PrintedDoc, t: TranslateFn, invited: number): void {
  const half = (p.width - 20) / 2;
  p.ensure(110);
  p.y += 14;
  p.y += p.write(t('retrainingCheckin.sheet.counts', { invited }), p.left, p.y, p.width, { size: 9.5 }) + 14;
  p.write(t('retrainingCheckin.sheet.trainerSigns'), p.left + half + 20, p.y, half, { bold: true, size: 10, align: 'center' });
  p.y += 14;
  p.write(t('exports.briefing.signHint'), p.left + half + 20, p.y, half, { size: 8.5, color: PDF_MUTED, align: 'center' });
  p.y += 70;
}
