/**
 * Loads or updates the organisation tree from CSV (contract columns
 * `code,name_vi,name_en,level,parent_code,remote`). Bad lines are reported and skipped;
 * re-running the same file changes nothing. Lineage is recomputed for the whole tree
 * and copied to the people attached to any unit whose lineage moved.
 */
import { parse } from 'csv-parse/sync';
import mongoose, { type Types } from 'mongoose';
import { z } from 'zod';
import { PARENT_LEVEL, Unit, UNIT_LEVELS, type UnitLevel } from './unit.model';
import { treeChanged } from './unit-tree';
import { insertEach, updateEach } from '../db/bulk';
import { createEvent } from '../shared/events';

export interface ImportProblem {
  line: number;
  message: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  problems: ImportProblem[];
}

const rowSchema = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, 'code must be 1–32 letters, digits, ".", "_" or "-"'),
  name_vi: z.string().trim().min(1, 'name_vi is empty').max(200, 'name_vi is longer than 200 characters'),
  name_en: z.string().trim().min(1, 'name_en is empty').max(200, 'name_en is longer than 200 characters'),
  level: z.enum(UNIT_LEVELS, { error: `level must be one of ${UNIT_LEVELS.join(', ')}` }),
  parent_code: z.string().trim().max(32).default(''),
  remote: z
    .string()
    .trim()
    .toLowerCase()
    .default('false')
    .refine((v) => ['', 'true', 'false', '1', '0', 'yes', 'no', 'x'].includes(v), 'remote must be true or false')
    .transform((v) => ['true', '1', 'yes', 'x'].includes(v)),
});

type Row = z.infer<typeof rowSchema> & { line: number };

const HEADERS = ['code', 'name_vi', 'name_en', 'level', 'parent_code', 'remote'];

/** Every unit, as the import compares them (the whole tree: an import is an admin's rare task). */
const allUnits = () => Unit.find({}).lean();
type UnitRecord = Awaited<ReturnType<typeof allUnits>>[number];

export async function importOrgCsv(text: string): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, problems: [] };
  const rows = readRows(text, report);
  if (!rows) return report;

  const existing = await allUnits();
  const byCode = new Map(existing.map((u) => [u.code, u]));
  const accepted = acceptByParent(rows, byCode, report);
  await writeFields(accepted, existing, byCode, report);

  const parentCodeOf = new Map<string, string>();
  for (const row of accepted) if (row.parent_code) parentCodeOf.set(row.code, row.parent_code);
  try {
    await rebuildLineage(parentCodeOf);
  } finally {
    await treeChanged(); // every process reloads its copy of the tree, even after a failure half-way
  }
  report.unchanged = accepted.length - report.created - report.updated;
  report.problems.sort((a, b) => a.line - b.line);
  return report;
}

/** The file's rows by code, or null when the file itself cannot be read (the problem is in `report`). */
function readRows(text: string, report: ImportReport): Map<string, Row> | null {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    report.problems.push({ line: 0, message: `not a readable CSV file: ${(err as Error).message}` });
    return null;
  }
  const header = (records.shift() ?? []).map((h) => h.toLowerCase());
  const missing = HEADERS.filter((h) => h !== 'remote' && !header.includes(h));
  if (missing.length > 0) {
    report.problems.push({ line: 1, message: `missing column(s): ${missing.join(', ')}` });
    return null;
  }

  const rows = new Map<string, Row>();
  records.forEach((cells, i) => {
    const line = i + 2;
    const raw: Record<string, string> = Object.create(null) as Record<string, string>;
    header.forEach((h, j) => {
      if (HEADERS.includes(h)) raw[h] = cells[j] ?? '';
    });
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      report.problems.push({ line, message: parsed.error.issues.map((x) => x.message).join('; ') });
      return;
    }
    if (rows.has(parsed.data.code)) {
      report.problems.push({ line, message: `code ${parsed.data.code} appears twice in the file` });
      return;
    }
    rows.set(parsed.data.code, { ...parsed.data, line });
  });
  return rows;
}

/**
 * Parent checks, from the top level down: the parent exists at the level above, in the
 * database or among the rows of the file already accepted (a row under a refused row is refused too).
 */
function acceptByParent(rows: Map<string, Row>, byCode: Map<string, UnitRecord>, report: ImportReport): Row[] {
  const accepted: Row[] = [];
  const acceptedLevel = new Map<string, UnitLevel>();
  const byLevel = [...rows.values()].sort((a, b) => UNIT_LEVELS.indexOf(a.level) - UNIT_LEVELS.indexOf(b.level) || a.line - b.line);
  for (const row of byLevel) {
    const expectedParent = PARENT_LEVEL[row.level];
    if (expectedParent === null) {
      if (row.parent_code) {
        report.problems.push({ line: row.line, message: `a ${row.level} unit has no parent, but parent_code is ${row.parent_code}` });
        continue;
      }
    } else {
      const parentLevel = acceptedLevel.get(row.parent_code) ?? byCode.get(row.parent_code)?.level;
      if (!row.parent_code || !parentLevel) {
        const refused = rows.has(row.parent_code) && !acceptedLevel.has(row.parent_code);
        report.problems.push({ line: row.line, message: refused ? `parent_code ${row.parent_code} is refused on its own line` : `parent_code ${row.parent_code || '(empty)'} is not a known unit` });
        continue;
      }
      if (parentLevel !== expectedParent) {
        report.problems.push({ line: row.line, message: `a ${row.level} must be under a ${expectedParent}, but ${row.parent_code} is a ${parentLevel}` });
        continue;
      }
    }
    accepted.push(row);
    acceptedLevel.set(row.code, row.level);
  }
  return accepted;
}

/**
 * Write fields first; parents and lineage are recomputed afterwards for the whole tree.
 * (In two writes, not one per row: a national tree has about 8,000 units.)
 */
async function writeFields(accepted: Row[], existing: UnitRecord[], byCode: Map<string, UnitRecord>, report: ImportReport): Promise<void> {
  const codeById = new Map(existing.map((u) => [String(u._id), u.code]));
  const toCreate: Record<string, unknown>[] = [];
  const toUpdate: { updateOne: { filter: { _id: Types.ObjectId }; update: { $set: Record<string, unknown> } } }[] = [];
  for (const row of accepted) {
    const current = byCode.get(row.code);
    const fields = { nameVi: row.name_vi, nameEn: row.name_en, level: row.level, remote: row.remote };
    if (!current) {
      toCreate.push({ _id: new mongoose.Types.ObjectId(), code: row.code, ...fields, parent: null, lineage: [] });
      report.created += 1;
      continue;
    }
    const currentParentCode = current.parent ? (codeById.get(String(current.parent)) ?? '') : '';
    const fieldsChanged =
      current.nameVi !== fields.nameVi || current.nameEn !== fields.nameEn || current.level !== fields.level || current.remote !== fields.remote;
    if (fieldsChanged) toUpdate.push({ updateOne: { filter: { _id: current._id }, update: { $set: fields } } });
    if (fieldsChanged || currentParentCode !== row.parent_code) report.updated += 1;
  }
  await insertEach(Unit, toCreate);
  await updateEach(Unit, toUpdate.map((w) => w.updateOne));
}

/**
 * Recomputes parent and lineage of every unit (parents from `parentCodeOf`, else unchanged).
 * Listeners (accounts) copy a changed lineage to the people attached to that unit.
 */
async function rebuildLineage(parentCodeOf: Map<string, string>): Promise<void> {
  const units = await Unit.find({}).lean();
  const byCode = new Map(units.map((u) => [u.code, u]));
  const byId = new Map(units.map((u) => [String(u._id), u]));
  const parentOf = (code: string): string | undefined => {
    if (parentCodeOf.has(code)) return parentCodeOf.get(code);
    const u = byCode.get(code);
    return u?.parent ? byId.get(String(u.parent))?.code : undefined;
  };
  const lineageCache = new Map<string, Types.ObjectId[]>();
  const lineageOf = (code: string, guard = 0): Types.ObjectId[] => {
    const cached = lineageCache.get(code);
    if (cached) return cached;
    const unit = byCode.get(code)!;
    const p = parentOf(code);
    const lineage = p && guard < 10 ? [...lineageOf(p, guard + 1), unit._id] : [unit._id];
    lineageCache.set(code, lineage);
    return lineage;
  };

  const writes: { updateOne: { filter: { _id: Types.ObjectId }; update: { $set: Record<string, unknown> } } }[] = [];
  const moved: { unitId: Types.ObjectId; lineage: Types.ObjectId[] }[] = [];
  for (const unit of units) {
    const lineage = lineageOf(unit.code);
    const parentCode = parentOf(unit.code);
    const parent = parentCode ? byCode.get(parentCode)!._id : null;
    const same =
      String(unit.parent ?? '') === String(parent ?? '') &&
      unit.lineage.length === lineage.length &&
      unit.lineage.every((id, i) => String(id) === String(lineage[i]));
    if (same) continue;
    writes.push({ updateOne: { filter: { _id: unit._id }, update: { $set: { parent, lineage } } } });
    // A unit made by this import has nothing attached to it yet: only units that moved matter to others.
    if (unit.lineage.length > 0) moved.push({ unitId: unit._id, lineage });
  }
  await updateEach(Unit, writes.map((w) => w.updateOne));
  for (const { unitId, lineage } of moved) await lineageChanged.emit(unitId, lineage);
}

const lineageChanged = createEvent<[unitId: Types.ObjectId, lineage: Types.ObjectId[]]>('org.lineageChanged');

/** Called for every unit whose lineage changed (accounts keeps its copy on people in step). Connected in src/wiring.ts. */
export function onLineageChanged(listener: (unitId: Types.ObjectId, lineage: Types.ObjectId[]) => Promise<void>): void {
  lineageChanged.on(listener);
}
