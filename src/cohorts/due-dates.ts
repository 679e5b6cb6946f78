/**
 * The due date a learner sees for each course: of the open cohorts they are in that have
 * one, the earliest. Read by the person's memberships (`user`, indexed) and each cohort by
 * `_id`: a person is in a few cohorts at most.
 */
import type { Types } from 'mongoose';
import type { PastDueCohort } from '../reports';
import { daysUntil } from '../shared/dates';
import { Cohort, CohortMember, type CohortDoc } from './cohort.model';

export interface CourseDue {
  dueDate: Date;
  cohortName: string;
  /** Vietnam calendar days until the due date: 0 due today, negative overdue. */
  daysLeft: number;
}

/** Per course slug, the earliest due date among the person's open cohorts for that course. */
export async function dueDatesOf(userId: Types.ObjectId, now = new Date()): Promise<Map<string, CourseDue>> {
  const memberships = await CohortMember.find({ user: userId }).select('cohort').limit(50).lean();
  const cohorts = await Promise.all(memberships.map((m) => Cohort.findById(m.cohort).select('name courses dueDate closedAt').lean<CohortDoc>()));
  const due = new Map<string, CourseDue>();
  for (const c of cohorts) {
    if (!c || c.closedAt || !c.dueDate) continue;
    for (const slug of c.courses) {
      const known = due.get(slug);
      if (!known || c.dueDate < known.dueDate) due.set(slug, { dueDate: c.dueDate, cohortName: c.name, daysLeft: daysUntil(c.dueDate, now) });
    }
  }
  return due;
}


/**
 * The cohorts under a unit whose due date has passed, each with its members (the reports'
 * "overdue" list: plugged in by src/cohorts/feature.ts). A commune's or
 * team's cohorts are few: read by `lineage`, then each one's members by `cohort` (both indexed).
 */
export async function pastDueCohortsUnder(unitId: Types.ObjectId, now = new Date()): Promise<PastDueCohort[]> {
  const cohorts = (await Cohort.find({ lineage: unitId }).select('name courses dueDate').lean<CohortDoc[]>()).filter((c) => c.dueDate && c.dueDate < now);
  return Promise.all(
    cohorts.map(async (c) => ({
      name: c.name,
      courses: c.courses,
      dueDate: c.dueDate!,
      members: (await CohortMember.find({ cohort: c._id }).select('user').lean()).map((m) => m.user),
    })),
  );
}
