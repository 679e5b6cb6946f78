/**
 * Report exports (contract columns), streamed: the per-person files walk the people of a
 * subtree in batches and never hold them all; roll-up files list a unit and its children.
 * Cells that a spreadsheet would read as a formula are neutralised in CSV and XLSX alike.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import mongoose, { type Types } from 'mongoose';
import PDFDocument from 'pdfkit';
import { User } from '../accounts';
import { CourseCompletion, LessonRead } from '../courses';
import { childrenOf, Unit, type UnitDoc } from '../org';
import { figuresFor, COUNTED_ROLES } from './rollup.service';
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

/** A cell that would start a formula (= + - @ tab CR) gets a leading apostrophe. */
export function neutralise(value: string | number | boolean): string | number | boolean {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

type Row = (string | number | boolean)[];

/** Every person of the subtree under `unit`, in batches, as export rows. */
export async function* peopleRows(unit: UnitDoc): AsyncGenerator<Row> {
  const units = new Map((await Unit.find({ lineage: unit._id }).select('code level').lean()).map((u) => [String(u._id), u]));
  for (const a of await Unit.find({ _id: mongoose.trusted({ $in: unit.lineage }) }).select('code level').lean()) units.set(String(a._id), a);
  const cursor = User.find({ lineage: unit._id, role: mongoose.trusted({ $in: COUNTED_ROLES }), disabled: false })
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

/** Streams the CSV (UTF-8 with BOM) into `out`; pipeline() keeps to the reader's pace. */
export async function writeCsv(out: Writable, header: readonly string[], rows: AsyncIterable<Row> | Row[]): Promise<void> {
  async function* lines() {
    yield `\uFEFF${stringify([header as string[]])}`;
    // Booleans as the words true/false (csv-stringify would write 1 and an empty cell).
    for await (const row of rows) yield stringify([row.map((v) => (typeof v === 'boolean' ? String(v) : neutralise(v)))]);
  }
  await pipeline(Readable.from(lines()), out);
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
  return [r.unit.code, locale === 'en' ? r.unit.nameEn : r.unit.nameVi, r.unit.level, f.people, f.digitalLiteracy, f.twoLevelGovernment, f.compliant, percent(f)];
}

const requireFile = createRequire(__filename);
const FONT = requireFile.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf');
const FONT_BOLD = requireFile.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf');

/** A one-page A4 summary for the weekly briefing: the unit, its children, the 100% target. */
/**
 * An A4 landscape PDF on `out` with Noto Sans as fonts 'r' and 'b' and its title and
 * subtitle written; `features` keeps the text layer exact (fontkit's ccmp off);
 * `finish` ends the document and resolves once it is all written.
 */
export function openPdf(out: Writable, title: string, subtitle: string) {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36 });
  doc.pipe(out);
  doc.registerFont('r', FONT).registerFont('b', FONT_BOLD);
  const features = { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[];
  doc.font('b').fontSize(16).text(title, { features });
  doc.font('r').fontSize(10).fillColor('#5a6470').text(subtitle, { features }).fillColor('#000');
  const finish = async () => {
    const done = once(out, 'finish');
    doc.end();
    await done;
  };
  return { doc, features, finish };
}

export async function writeRollupPdf(out: Writable, title: string, subtitle: string, header: string[], rows: Row[], totalRow: Row): Promise<void> {
  const { doc, features, finish } = openPdf(out, title, subtitle);
  const widths = [70, 230, 70, 60, 80, 80, 70, 70];
  let y = doc.y + 10;
  const line = (cells: Row, bold: boolean) => {
    let x = 36;
    doc.font(bold ? 'b' : 'r').fontSize(rows.length > 30 ? 7.5 : 9);
    cells.forEach((c, i) => {
      doc.text(String(c), x, y, { width: widths[i]! - 4, lineBreak: false, ellipsis: true, features });
      x += widths[i]!;
    });
    y += rows.length > 30 ? 11 : 14;
  };
  line(header, true);
  for (const r of rows.slice(0, 36)) line(r, false);
  if (rows.length > 36) line(['…', `+${rows.length - 36}`, '', '', '', '', '', ''], false);
  line(totalRow, true);
  await finish();
}
