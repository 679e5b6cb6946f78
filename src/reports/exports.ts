/**
 * Report exports (contract columns), streamed: the per-person files walk the people of a
 * subtree in batches and never hold them all; roll-up files list a unit and its children.
 * Cells that a spreadsheet would read as a formula are neutralised in CSV and XLSX alike.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import PDFDocument from 'pdfkit';
import { User } from '../accounts';
import { childrenOf, subtreeOf, unitName, unitsByIds, type UnitDoc } from '../org';
import { LEARNER_ROLES } from '../shared/actor';
import { neutralise, type Row } from '../shared/csv';
import { EXACT_TEXT, FONT_BOLD, FONT_REGULAR } from '../shared/pdf-fonts';
import { figuresUnder, rollupOf } from './rollup.service';
import { percent, ZERO, type Figures } from './rollup.model';

export const PEOPLE_COLUMNS = [
  'username',
  'full_name',
  'province_code',
  'commune_code',
  'team_code',
  'trainer_username',
  'digital_literacy_status',
  'digital_literacy_completed_at',
  'two_level_government_status',
  'two_level_government_completed_at',
  'compliant',
] as const;
export const ROLLUP_COLUMNS = ['unit_code', 'unit_name', 'level', 'people', 'completed_digital_literacy', 'completed_two_level_government', 'compliant', 'compliance_pct'] as const;


type ExportPerson = {
  _id: Types.ObjectId;
  username: string;
  fullName: string;
  role: string;
  lineage: Types.ObjectId[];
  retrainedBy: Types.ObjectId | null;
  completed?: string[];
  completedAt?: Record<string, Date>;
  started?: string[];
};

/**
 * Every person of the subtree under `unit`, as export rows: a unit at a time, by unit code
 * then username. Each query is an equality on an indexed key and returns one unit's people,
 * and each row comes from the person alone (their completed courses, dates and started
 * courses are kept on them), so nothing ever reads a whole collection and memory holds one
 * unit's people. Trainers' usernames are looked up once each.
 */
export async function* peopleRows(unit: UnitDoc, opts: { onUnit?: (done: number, total: number) => void } = {}): AsyncGenerator<Row> {
  const subtree = await subtreeOf(unit);
  const units = new Map(subtree.map((u) => [String(u._id), u]));
  for (const a of (await unitsByIds(unit.lineage)).values()) units.set(String(a._id), a);
  const trainers = new Map<string, string>();
  const trainerName = async (id: Types.ObjectId | null) => {
    if (!id) return '';
    const key = String(id);
    if (!trainers.has(key)) trainers.set(key, (await User.findById(id).select('username').lean<{ username: string }>())?.username ?? '');
    return trainers.get(key)!;
  };
  let done = 0;
  for (const u of subtree) {
    const people = (await User.find({ unit: u._id, disabled: false })
      .select('username fullName role lineage retrainedBy completed completedAt started')
      .lean<ExportPerson[]>())
      .filter((p) => (LEARNER_ROLES as readonly string[]).includes(p.role))
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
    // a team's leader is usually one of its own people: known without a read
    for (const p of people) if (p.role === 'trainer' && !trainers.has(String(p._id))) trainers.set(String(p._id), p.username);
    for (const p of people) {
      const codeAt = (level: string) => p.lineage.map((id) => units.get(String(id))).find((x) => x?.level === level)?.code ?? '';
      const status = (course: string) => ((p.completed ?? []).includes(course) ? 'completed' : (p.started ?? []).includes(course) ? 'in_progress' : 'not_started');
      const at = (course: string) => (status(course) === 'completed' ? (toDate(p.completedAt?.[course])?.toISOString() ?? '') : '');
      const dl = status('digital-literacy');
      const tlg = status('two-level-government');
      yield [p.username, p.fullName, codeAt('province'), codeAt('commune'), codeAt('team'), await trainerName(p.retrainedBy), dl, at('digital-literacy'), tlg, at('two-level-government'), dl === 'completed' && tlg === 'completed'];
    }
    opts.onUnit?.(++done, subtree.length);
  }
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') return new Date(v);
  return undefined;
}

export async function writeXlsx(out: Writable, sheetName: string, header: readonly string[], rows: AsyncIterable<Row> | Row[]): Promise<void> {
  await writeXlsxSheets(out, [{ name: sheetName, header, rows }]);
}

/** A workbook of several sheets, written one after the other (streamed). */
export async function writeXlsxSheets(out: Writable, sheets: { name: string; header: readonly string[]; rows: AsyncIterable<Row> | Row[] }[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  for (const { name, header, rows } of sheets) {
    const sheet = workbook.addWorksheet(name);
    sheet.addRow([...header]).commit();
    for await (const row of rows) sheet.addRow(row.map(neutralise)).commit();
    sheet.commit();
  }
  await workbook.commit();
}

export interface RollupRow {
  unit: UnitDoc;
  figures: Figures;
}

/** A unit and its children with their figures (from the roll-ups: the unit's, then its children's in one query). */
export async function rollupTable(unit: UnitDoc): Promise<{ total: RollupRow; children: RollupRow[]; builtAt: Date | null; waiting: { username: string; fullName: string }[] }> {
  const [children, own, under] = await Promise.all([childrenOf(unit._id), rollupOf(`unit:${unit._id}`), figuresUnder(`unit:${unit._id}`)]);
  return {
    builtAt: own?.builtAt ?? null,
    waiting: own?.waiting ?? [],
    total: { unit, figures: own?.figures ?? ZERO },
    children: children.map((c) => ({ unit: c, figures: under.get(`unit:${c._id}`) ?? ZERO })),
  };
}

export function rollupRowValues(r: RollupRow, locale: 'vi' | 'en'): Row {
  const f = r.figures;
  return [r.unit.code, unitName(r.unit, locale), r.unit.level, f.people, f.digitalLiteracy, f.twoLevelGovernment, f.compliant, percent(f)];
}

/**
 * An A4 landscape PDF on `out` with Noto Sans as fonts 'r' and 'b' and its title and
 * subtitle written; `features` keeps the text layer exact (fontkit's ccmp off); `cell`
 * writes one line that never wraps (cut with an ellipsis when too long); `finish` ends
 * the document and resolves once it is all written.
 */
export function openPdf(out: Writable, title: string, subtitle: string) {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36 });
  doc.pipe(out);
  doc.registerFont('r', FONT_REGULAR).registerFont('b', FONT_BOLD);
  const features = EXACT_TEXT;
  doc.font('b').fontSize(16).text(title, { features });
  doc.font('r').fontSize(10).fillColor('#5a6470').text(subtitle, { features }).fillColor('#000');
  const cell = (text: string, x: number, y: number, width: number, o: { bold?: boolean; size?: number } = {}) => {
    const size = o.size ?? 9;
    // A height of one line is what makes pdfkit cut rather than wrap.
    doc.font(o.bold ? 'b' : 'r').fontSize(size).text(text, x, y, { width, height: size * 1.3, ellipsis: true, features });
  };
  const finish = async () => {
    const done = once(out, 'finish');
    doc.end();
    await done;
  };
  return { doc, features, cell, finish };
}

/** A one-page A4 summary for the weekly briefing: the unit, its children, the 100% target. */
export async function writeRollupPdf(out: Writable, title: string, subtitle: string, header: string[], rows: Row[], totalRow: Row, more: (n: number) => string): Promise<void> {
  const { doc, cell, finish } = openPdf(out, title, subtitle);
  const widths = [60, 200, 120, 60, 85, 85, 90, 40];
  let y = doc.y + 10;
  const line = (cells: Row, bold: boolean) => {
    let x = 36;
    cells.forEach((c, i) => {
      cell(String(c), x, y, widths[i]! - 4, { bold, size: rows.length > 30 ? 7.5 : 9 });
      x += widths[i]!;
    });
    y += rows.length > 30 ? 11 : 14;
  };
  line(header, true);
  for (const r of rows.slice(0, 36)) line(r, false);
  if (rows.length > 36) line(['', more(rows.length - 36), '', '', '', '', '', ''], false);
  line(totalRow, true);
  await finish();
}
