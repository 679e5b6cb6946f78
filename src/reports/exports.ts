/**
 * Report exports, streamed: the per-person files walk the people of a subtree in batches and
 * never hold them all; roll-up files list a unit and its children. Each file is readable (the
 * reader's words, Vietnam time) or in the contract's codes (./file-style). Cells that a
 * spreadsheet would read as a formula are neutralised in CSV and XLSX alike, in both forms.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import { activePeopleOfUnit, namesOf } from '../accounts';
import { childrenOf, subtreeOf, unitName, unitsByIds, type UnitDoc } from '../org';
import { LEARNER_ROLES } from '../shared/actor';
import { neutralise, writeCsv } from '../shared/csv';
import { figuresUnder, rollupOf } from './rollup.service';
import { percent, ZERO, type Figures } from './rollup.model';
import { fileDate, fileWord, fileYesNo, headerOf, sheetName, type FileRow, type FileStyle } from './file-style';

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

export type CourseStatus = 'not_started' | 'in_progress' | 'completed';

/** One person of an export, before it is written in a file's form. */
export interface PersonRecord {
  username: string;
  fullName: string;
  provinceCode: string;
  communeCode: string;
  teamCode: string;
  trainerUsername: string;
  digitalLiteracy: CourseStatus;
  digitalLiteracyAt: Date | null;
  twoLevelGovernment: CourseStatus;
  twoLevelGovernmentAt: Date | null;
  compliant: boolean;
}

/**
 * Every person of the subtree under `unit`: a unit at a time, by unit code then username.
 * Each query is an equality on an indexed key and returns one unit's people, and each
 * record comes from the person alone (their completed courses, dates and started courses
 * are kept on them), so nothing ever reads a whole collection and memory holds one unit's
 * people. Trainers' usernames are looked up once each.
 */
export async function* peopleRecords(unit: UnitDoc, opts: { onUnit?: (done: number, total: number) => void } = {}): AsyncGenerator<PersonRecord> {
  const subtree = await subtreeOf(unit);
  const units = new Map(subtree.map((u) => [String(u._id), u]));
  for (const a of (await unitsByIds(unit.lineage)).values()) units.set(String(a._id), a);
  const trainers = new Map<string, string>();
  const trainerName = async (id: Types.ObjectId | null) => {
    if (!id) return '';
    const key = String(id);
    if (!trainers.has(key)) trainers.set(key, (await namesOf(id))?.username ?? '');
    return trainers.get(key)!;
  };
  let done = 0;
  for (const u of subtree) {
    const people = ((await activePeopleOfUnit(u._id)) as unknown as ExportPerson[])
      .filter((p) => (LEARNER_ROLES as readonly string[]).includes(p.role))
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
    // a team's leader is usually one of its own people: known without a read
    for (const p of people) if (p.role === 'trainer' && !trainers.has(String(p._id))) trainers.set(String(p._id), p.username);
    for (const p of people) {
      const codeAt = (level: string) => p.lineage.map((id) => units.get(String(id))).find((x) => x?.level === level)?.code ?? '';
      const status = (course: string): CourseStatus => ((p.completed ?? []).includes(course) ? 'completed' : (p.started ?? []).includes(course) ? 'in_progress' : 'not_started');
      const at = (course: string) => (status(course) === 'completed' ? (toDate(p.completedAt?.[course]) ?? null) : null);
      const dl = status('digital-literacy');
      const tlg = status('two-level-government');
      yield {
        username: p.username,
        fullName: p.fullName,
        provinceCode: codeAt('province'),
        communeCode: codeAt('commune'),
        teamCode: codeAt('team'),
        trainerUsername: await trainerName(p.retrainedBy),
        digitalLiteracy: dl,
        digitalLiteracyAt: at('digital-literacy'),
        twoLevelGovernment: tlg,
        twoLevelGovernmentAt: at('two-level-government'),
        compliant: dl === 'completed' && tlg === 'completed',
      };
    }
    opts.onUnit?.(++done, subtree.length);
  }
}

/** A person as a row of the file (PEOPLE_COLUMNS, in the file's form). */
export function personCells(p: PersonRecord, style: FileStyle): FileRow {
  return [
    p.username,
    p.fullName,
    p.provinceCode,
    p.communeCode,
    p.teamCode,
    p.trainerUsername,
    fileWord(p.digitalLiteracy, 'exports.status', style),
    fileDate(p.digitalLiteracyAt, style),
    fileWord(p.twoLevelGovernment, 'exports.status', style),
    fileDate(p.twoLevelGovernmentAt, style),
    fileYesNo(p.compliant, style),
  ];
}

/** The people of the subtree as rows of a file in `style`. */
export async function* peopleRows(unit: UnitDoc, style: FileStyle, opts: { onUnit?: (done: number, total: number) => void } = {}): AsyncGenerator<FileRow> {
  for await (const p of peopleRecords(unit, opts)) yield personCells(p, style);
}

/** The per-person file of a unit, in `style`, on `out`. */
export async function writePeopleFile(out: Writable, unit: UnitDoc, style: FileStyle, rows: AsyncIterable<FileRow> = peopleRows(unit, style)): Promise<void> {
  const header = headerOf(PEOPLE_COLUMNS, 'people', style);
  if (style.xlsx) await writeXlsxSheets(out, [{ name: sheetName('people', style), header, rows, widths: style.form === 'readable' ? PEOPLE_WIDTHS : undefined }]);
  else await writeCsv(out, header, rows);
}

/** Readable workbooks' column widths (in characters), per column of PEOPLE_COLUMNS and ROLLUP_COLUMNS. */
const PEOPLE_WIDTHS = [22, 28, 10, 12, 12, 22, 16, 17, 16, 17, 12];
const ROLLUP_WIDTHS = [12, 36, 18, 10, 16, 16, 14, 12];

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') return new Date(v);
  return undefined;
}

export interface SheetSpec {
  name: string;
  header: readonly string[];
  rows: AsyncIterable<FileRow> | FileRow[];
  /**
   * Column widths in characters: the sheet is then laid out for a person (a bold, frozen
   * header row, those widths, dates shown as dd/mm/yyyy hh:mm). Without: plain, for programs.
   */
  widths?: readonly number[];
}

/** A workbook of several sheets, written one after the other (streamed). */
export async function writeXlsxSheets(out: Writable, sheets: SheetSpec[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const { name, header, rows, widths } of sheets) {
    const sheet = workbook.addWorksheet(name, widths ? { views: [{ state: 'frozen', ySplit: 1 }] } : {});
    if (widths) widths.forEach((w, i) => (sheet.getColumn(i + 1).width = Math.max(w, (header[i]?.length ?? 0) + 2)));
    const head = sheet.addRow([...header]);
    if (widths) head.font = { bold: true };
    head.commit();
    for await (const values of rows) {
      const row = sheet.addRow(values.map((v) => neutralise(v)));
      if (widths) values.forEach((v, i) => v instanceof Date && (row.getCell(i + 1).numFmt = 'dd/mm/yyyy hh:mm'));
      row.commit();
    }
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

/** A roll-up row of the file (ROLLUP_COLUMNS, in the file's form): the unit's name in the reader's language either way. */
export function rollupCells(r: RollupRow, style: FileStyle): FileRow {
  const f = r.figures;
  return [r.unit.code, unitName(r.unit, style.locale), fileWord(r.unit.level, 'org.levels', style), f.people, f.digitalLiteracy, f.twoLevelGovernment, f.compliant, percent(f)];
}

/** The roll-up file (the unit, then its children), in `style`, on `out`. */
export async function writeRollupFile(out: Writable, rows: RollupRow[], style: FileStyle): Promise<void> {
  const header = headerOf(ROLLUP_COLUMNS, 'rollup', style);
  const cells = rows.map((r) => rollupCells(r, style));
  if (style.xlsx) await writeXlsxSheets(out, [{ name: sheetName('rollup', style), header, rows: cells, widths: style.form === 'readable' ? ROLLUP_WIDTHS : undefined }]);
  else await writeCsv(out, header, cells);
}

