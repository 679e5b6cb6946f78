/**
 * The due date a learner sees for each course: of the open cohorts they are in that have
 * one, the earliest. Read by the person's memberships (`user`, indexed) and each cohort by
 * `_id`: a person is in a few cohorts at most.
 */
import type { Types } from 'mongoose';
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
