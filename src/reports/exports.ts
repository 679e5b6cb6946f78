/**
 * Report exports (contract columns), streamed: the per-person files walk the people of a
 * subtree in batches and never hold them all; roll-up files list a unit and its children.
 * Cells that a spreadsheet would read as a formula are neutralised in CSV and XLSX alike.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import mongoose, { type Types } from 'mongoose';
import PDFDocument from 'pdfkit';
import { User } from '../accounts';
import { CourseCompletion, LessonRead } from '../courses';
import { childrenOf, Unit, unitName, type UnitDoc } from '../org';
import { LEARNER_ROLES } from '../shared/actor';
import { neutralise, type Row } from '../shared/csv';
import { EXACT_TEXT, FONT_BOLD, FONT_REGULAR } from '../shared/pdf-fonts';
import { figuresFor } from './rollup.service';
import { percent, type Figures } from './rollup.model';

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


/** Every person of the subtree under `unit`, in batches, as export rows. */
export async function* peopleRows(unit: UnitDoc): AsyncGenerator<Row> {
  const units = new Map((await Unit.find({ lineage: unit._id }).select('code level').lean()).map((u) => [String(u._id), u]));
  for (const a of await Unit.find({ _id: mongoose.trusted({ $in: unit.lineage }) }).select('code level').lean()) units.set(String(a._id), a);
  const cursor = User.find({ lineage: unit._id, role: mongoose.trusted({ $in: LEARNER_ROLES }), disabled: false })
    .select('username fullName lineage retrainedBy')
    .sort({ username: 1 })
    .lean<{ _id: Types.ObjectId; username: string; fullName: string; lineage: Types.ObjectId[]; retrainedBy: Types.ObjectId | null }[]>()
    .cursor({ batchSize: 1000 });
  let batch: { _id: Types.ObjectId; username: string; fullName: string; lineage: Types.ObjectId[]; retrainedBy: Types.ObjectId | null }[] = [];
  const flush = async function* () {
    const ids = mongoose.trusted({ $in: batch.map((p) => p._id) });
    const trainerIds = [...new Set(batch.map((p) => String(p.retrainedBy ?? '')).filter(Boolean))];
    const [completions, reads, trainers] = await Promise.all([
      CourseCompletion.find({ user: ids }).select('user course completedAt').lean(),
      LessonRead.find({ user: ids }).select('user course').lean(),
      User.find({ _id: mongoose.trusted({ $in: trainerIds }) }).select('username').lean(),
    ]);
    const doneAt = new Map(completions.map((c) => [`${c.user}|${c.course}`, c.completedAt]));
    const started = new Set(reads.map((r) => `${r.user}|${r.course}`));
    const trainerName = new Map(trainers.map((t) => [String(t._id), t.username]));
    for (const p of batch) {
      const codeAt = (level: string) => p.lineage.map((id) => units.get(String(id))).find((u) => u?.level === level)?.code ?? '';
      const status = (course: string) => (doneAt.has(`${p._id}|${course}`) ? 'completed' : started.has(`${p._id}|${course}`) ? 'in_progress' : 'not_started');
      const at = (course: string) => doneAt.get(`${p._id}|${course}`)?.toISOString() ?? '';
      const dl = status('digital-literacy');
      const tlg = status('two-level-government');
      yield [p.username, p.fullName, codeAt('province'), codeAt('commune'), codeAt('team'), trainerName.get(String(p.retrainedBy ?? '')) ?? '', dl, at('digital-literacy'), tlg, at('two-level-government'), dl === 'completed' && tlg === 'completed'];
    }
    batch = [];
  };
  for await (const p of cursor) {
    batch.push(p);
    if (batch.length >= 1000) yield* flush();
  }
  if (batch.length) yield* flush();
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

/** A unit and its children with their figures (from the roll-ups: one query). */
export async function rollupTable(unit: UnitDoc): Promise<{ total: RollupRow; children: RollupRow[] }> {
  const children = await childrenOf(unit._id);
  const figures = await figuresFor([unit, ...children].map((u) => `unit:${u._id}`));
  return {
    total: { unit, figures: figures.get(`unit:${unit._id}`)! },
    children: children.map((c) => ({ unit: c, figures: figures.get(`unit:${c._id}`)! })),
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
