/** Who is behind, for a commune or a team: people not started, and people past a cohort's due date. */
import mongoose from 'mongoose';
import { User, type UserDoc } from '../accounts';
import { Cohort, CohortMember } from '../cohorts';
import type { UnitDoc } from '../org';
import { peopleRows } from './exports';

const LIST_MAX = 100;

/** People of the unit who have not started either course (from the export's statuses). */
export async function notStarted(unit: UnitDoc, max = LIST_MAX): Promise<{ username: string; fullName: string }[]> {
  const out: { username: string; fullName: string }[] = [];
  for await (const row of peopleRows(unit)) {
    if (row[6] === 'not_started' && row[8] === 'not_started') out.push({ username: String(row[0]), fullName: String(row[1]) });
    if (out.length >= max) break;
  }
  return out;
}

/** Members of cohorts under the unit whose due date has passed without the cohort's courses completed. */
export async function overdue(unit: UnitDoc, now = new Date(), max = LIST_MAX): Promise<{ user: UserDoc; cohort: string; due: Date }[]> {
  const cohorts = await Cohort.find({ lineage: unit._id, dueDate: mongoose.trusted({ $lt: now }) }).lean();
  if (cohorts.length === 0) return [];
  const members = await CohortMember.find({ cohort: mongoose.trusted({ $in: cohorts.map((c) => c._id) }) }).select('cohort user').lean();
  const users = new Map((await User.find({ _id: mongoose.trusted({ $in: members.map((m) => m.user) }), disabled: false }).lean<UserDoc[]>()).map((u) => [String(u._id), u]));
  const cohortBy = new Map(cohorts.map((c) => [String(c._id), c]));
  const out: { user: UserDoc; cohort: string; due: Date }[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    const cohort = cohortBy.get(String(m.cohort))!;
    const user = users.get(String(m.user));
    if (!user || seen.has(String(user._id))) continue;
    if (!cohort.courses.every((c) => (user.completed ?? []).includes(c))) {
      seen.add(String(user._id));
      out.push({ user, cohort: cohort.name, due: cohort.dueDate! });
    }
  }
  // The longest overdue first; cut after sorting, so the list shown is the most overdue.
  return out.sort((a, b) => a.due.getTime() - b.due.getTime() || a.user.fullName.localeCompare(b.user.fullName, 'vi')).slice(0, max);
}
