import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** Kinds of work a team counts the people it helped by. */
export const WORK_KINDS = ['vneid', 'onlineService', 'dossier', 'digitise', 'other'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const DIFFICULTY_CATEGORIES = ['connectivity', 'devices', 'documents', 'systemErrors', 'availability', 'other'] as const;
export type DifficultyCategory = (typeof DIFFICULTY_CATEGORIES)[number];

/** Most difficulties one report holds (a short report, not a logbook). */
export const MAX_DIFFICULTIES = 8;
export const MAX_COUNT = 100_000;

const difficultySchema = new Schema(
  {
    category: { type: String, enum: DIFFICULTY_CATEGORIES, required: true },
    description: { type: String, required: true, maxlength: 500 },
    helpNeeded: { type: Boolean, default: false },
  },
  { strict: true },
);

const countsSchema = new Schema(Object.fromEntries(WORK_KINDS.map((k) => [k, { type: Number, default: 0, min: 0, max: MAX_COUNT }])), { _id: false, strict: true });

const fieldReportSchema = new Schema(
  {
    team: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** ISO week in Vietnam time, e.g. 2026-W48. */
    week: { type: String, required: true },
    /** The team's lineage: "every report under unit X" is `{ lineage: X }`. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    /** People helped this week, by kind of work. */
    counts: { type: countsSchema, required: true },
    difficulties: { type: [difficultySchema], default: [] },
    notes: { type: String, default: '', maxlength: 1000 },
    filedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    filedByUsername: { type: String, required: true },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    updatedByUsername: { type: String, required: true },
    /** How many times the report was edited after it was first filed: the count of its FieldReportEdit records. */
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, strict: true },
);
// One report per team per week: a second filing edits the first.
fieldReportSchema.index({ team: 1, week: 1 }, { unique: true });
fieldReportSchema.index({ lineage: 1, week: 1 });

export const FieldReport = mongoose.model('FieldReport', fieldReportSchema);

/**
 * One record per edit of a report. The revision is their count: records are inserts, which
 * the store keeps however many edits run at once, where an `$inc` on the report can lose some.
 */
const editSchema = new Schema(
  {
    report: { type: Schema.Types.ObjectId, ref: 'FieldReport', required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { strict: true, versionKey: false },
);
editSchema.index({ report: 1 });
export const FieldReportEdit = mongoose.model('FieldReportEdit', editSchema);

/**
 * Staff taking a difficulty up: a record of its own, keyed by the difficulty, so that the
 * team leader editing the report and staff writing their note never overwrite each other
 * (the store has no atomic read-modify-write; see STORE.md).
 */
const takeUpSchema = new Schema(
  {
    difficulty: { type: Schema.Types.ObjectId, required: true, unique: true },
    report: { type: Schema.Types.ObjectId, ref: 'FieldReport', required: true },
    lineage: { type: [Schema.Types.ObjectId], required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    byUsername: { type: String, required: true },
    /** Who took it up as the team leader reads it: name and post (role, unit) at that moment; absent on take-ups made before they were kept. */
    byFullName: { type: String, default: null },
    byRole: { type: String, default: null },
    byUnitNameVi: { type: String, default: null },
    byUnitNameEn: { type: String, default: null },
    note: { type: String, required: true, maxlength: 500 },
  },
  { timestamps: true, strict: true },
);
takeUpSchema.index({ report: 1 });
takeUpSchema.index({ lineage: 1 });
export const DifficultyTakeUp = mongoose.model('DifficultyTakeUp', takeUpSchema);

export type Counts = Record<WorkKind, number>;
/** A difficulty as read, with what staff recorded on it (from DifficultyTakeUp). */
export type DifficultyDoc = InferSchemaType<typeof difficultySchema> & {
  _id: Types.ObjectId;
  takenUpAt?: Date | null;
  takenUpByUsername?: string | null;
  /** The taker's name and post; null on older take-ups (show the username then). */
  takenUpByFullName?: string | null;
  takenUpByRole?: string | null;
  takenUpByUnit?: { nameVi: string; nameEn: string } | null;
  takenUpNote?: string | null;
};
export type FieldReportDoc = Omit<InferSchemaType<typeof fieldReportSchema>, 'difficulties'> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date; difficulties: DifficultyDoc[] };

/**
 * Puts each difficulty's take-up (if any) on the reports. Only reports with difficulties can
 * have one: a single report's by `report`; several reports of one unit (a team's weeks, a
 * week's summary) in one query by that unit (`within`: take-ups carry the report's lineage),
 * each an equality the store serves from an index.
 */
export async function withTakeUps<R extends FieldReportDoc>(reports: R[], within?: Types.ObjectId): Promise<R[]> {
  const withDifficulties = reports.filter((r) => r.difficulties.length > 0);
  if (withDifficulties.length === 0) return reports;
  const takeUps =
    within && withDifficulties.length > 1
      ? await DifficultyTakeUp.find({ lineage: within }).lean()
      : (await Promise.all(withDifficulties.map((r) => DifficultyTakeUp.find({ report: r._id }).lean()))).flat();
  const byDifficulty = new Map(takeUps.map((t) => [String(t.difficulty), t]));
  for (const r of reports) {
    for (const d of r.difficulties) {
      const t = byDifficulty.get(String(d._id));
      if (t) Object.assign(d, takeUpFields(t));
    }
  }
  return reports;
}

type TakeUpRecord = { at: Date; byUsername: string; byFullName?: string | null; byRole?: string | null; byUnitNameVi?: string | null; byUnitNameEn?: string | null; note: string };

/** A take-up as a difficulty carries it when read. */
export function takeUpFields(t: TakeUpRecord): Pick<DifficultyDoc, 'takenUpAt' | 'takenUpByUsername' | 'takenUpByFullName' | 'takenUpByRole' | 'takenUpByUnit' | 'takenUpNote'> {
  return {
    takenUpAt: t.at,
    takenUpByUsername: t.byUsername,
    takenUpByFullName: t.byFullName ?? null,
    takenUpByRole: t.byRole ?? null,
    takenUpByUnit: t.byUnitNameVi ? { nameVi: t.byUnitNameVi, nameEn: t.byUnitNameEn ?? t.byUnitNameVi } : null,
    takenUpNote: t.note,
  };
}

export function totalOf(counts: Partial<Counts>): number {
  return WORK_KINDS.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
}
