/** Who is behind, for a commune or a team: people past a cohort's due date (those not started come with the roll-ups). */
import { User, type UserDoc } from '../accounts';
import { Cohort, CohortMember } from '../cohorts';
import type { UnitDoc } from '../org';
import { LIST_MAX } from './rollup.model';

/**
 * Members of cohorts under the unit whose due date has passed without the cohort's courses
 * completed. A commune's or team's cohorts are few: their members are read one cohort at a
 * time, and the people one by one only when they are not among the unit's own people.
 */
export async function overdue(unit: UnitDoc, now = new Date(), max = LIST_MAX): Promise<{ user: UserDoc; cohort: string; due: Date }[]> {
  const cohorts = (await Cohort.find({ lineage: unit._id }).lean()).filter((c) => c.dueDate && c.dueDate < now);
  if (cohorts.length === 0) return [];
  const members = (await Promise.all(cohorts.map((c) => CohortMember.find({ cohort: c._id }).select('cohort user').lean()))).flat();
  const users = new Map((await User.find({ lineage: unit._id, disabled: false }).lean<UserDoc[]>()).map((u) => [String(u._id), u]));
  for (const id of new Set(members.map((m) => String(m.user)).filter((id) => !users.has(id)))) {
    const u = await User.findById(id).lean<UserDoc>();
    if (u && !u.disabled) users.set(id, u);
  }
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
