/**
 * Cohorts by their due date, for the reminders (src/reminders): "the open cohorts due on this
 * day" is one equality on `dueDay` (indexed), so a job that runs every few minutes never reads
 * every cohort; the weekly digests read every open cohort once a week, in batches.
 */
import type { Types } from 'mongoose';
import type { Catalog } from '../courses';
import { dayLabelVietnam } from '../shared/vn-time';
import { Cohort, type CohortDoc } from './cohort.model';
import { cohortProgress, type MemberProgress } from './cohorts.service';

/** What the reminders need of a cohort. */
export interface DueCohort {
  _id: Types.ObjectId;
  name: string;
  courses: string[];
  dueDate: Date;
  owner: Types.ObjectId;
  unit: Types.ObjectId;
}

const FIELDS = 'name courses dueDate dueDay owner unit closedAt createdAt';

function due(c: CohortDoc): DueCohort | null {
  if (c.closedAt || !c.dueDate) return null;
  return { _id: c._id, name: c.name, courses: c.courses, dueDate: c.dueDate, owner: c.owner, unit: c.unit };
}

/** The open cohorts whose due date falls on `day` (YYYY-MM-DD, Vietnam). */
export async function openCohortsDueOn(day: string): Promise<DueCohort[]> {
  const found = await Cohort.find({ dueDay: day }).select(FIELDS).lean<CohortDoc[]>();
  return found.map(due).filter((c): c is DueCohort => c !== null);
}

/** Every open cohort with a due date, `batch` at a time (the weekly digests: background work, once a week). */
export async function eachOpenCohortWithDueDate(fn: (cohort: DueCohort) => Promise<void>): Promise<void> {
  for await (const c of Cohort.find({}).select(FIELDS).lean<CohortDoc>().cursor({ batchSize: 200 })) {
    const d = due(c as CohortDoc);
    if (d) await fn(d);
  }
}

/** Each member of the cohort with their pace (complete, overdue, behind, on track), as the cohort page counts it. */
export async function membersProgressOf(catalog: Catalog, cohortId: Types.ObjectId, now: Date): Promise<MemberProgress[]> {
  const cohort = await Cohort.findById(cohortId).lean<CohortDoc>();
  return cohort ? cohortProgress(catalog, cohort, now) : [];
}

/**
 * Gives the cohorts made before `dueDay` existed their day (once at start; a second run finds
 * nothing to do). Returns how many it changed.
 */
export async function giveCohortsTheirDueDays(): Promise<number> {
  let changed = 0;
  for await (const c of Cohort.find({ dueDay: null }).select('dueDate dueDay').lean<CohortDoc>().cursor({ batchSize: 500 })) {
    if (!c.dueDate || c.dueDay) continue;
    await Cohort.updateOne({ _id: c._id }, { $set: { dueDay: dayLabelVietnam(c.dueDate) } }, { timestamps: false });
    changed += 1;
  }
  return changed;
}
