/** Who is behind, for a commune or a team: people past a cohort's due date (those not started come with the roll-ups). */
import { activePeopleUnder, personById, type Person } from '../accounts';
import type { Types } from 'mongoose';
import type { UnitDoc } from '../org';
import { createSlot } from '../shared/events';
import { LIST_MAX } from './rollup.model';

/** A cohort whose due date has passed, with its members. */
export interface PastDueCohort {
  name: string;
  courses: string[];
  dueDate: Date;
  members: Types.ObjectId[];
}
export type PastDueCohorts = (unitId: Types.ObjectId, now: Date) => Promise<PastDueCohort[]>;

/** Who knows the cohorts past their due date under a unit (cohorts plugs in; src/wiring.ts). */
const pastDueCohorts = createSlot<PastDueCohorts>('reports.pastDueCohorts');

export function registerPastDueCohorts(provider: PastDueCohorts): void {
  pastDueCohorts.set(provider);
}

/**
 * Members of cohorts under the unit whose due date has passed without the cohort's courses
 * completed. A commune's or team's cohorts are few: their members are read one cohort at a
 * time, and the people one by one only when they are not among the unit's own people.
 */
export async function overdue(unit: UnitDoc, now = new Date(), max = LIST_MAX): Promise<{ user: Person; cohort: string; due: Date }[]> {
  const cohorts = (await pastDueCohorts.get()?.(unit._id, now)) ?? [];
  if (cohorts.length === 0) return [];
  const users = new Map((await activePeopleUnder(unit._id)).map((u) => [String(u._id), u]));
  for (const id of new Set(cohorts.flatMap((c) => c.members.map(String)).filter((id) => !users.has(id)))) {
    const u = await personById(id);
    if (u && !u.disabled) users.set(id, u);
  }
  const out: { user: Person; cohort: string; due: Date }[] = [];
  const seen = new Set<string>();
  for (const cohort of cohorts) {
    for (const member of cohort.members) {
      const user = users.get(String(member));
      if (!user || seen.has(String(user._id))) continue;
      if (!cohort.courses.every((c) => (user.completed ?? []).includes(c))) {
        seen.add(String(user._id));
        out.push({ user, cohort: cohort.name, due: cohort.dueDate });
      }
    }
  }
  // The longest overdue first; cut after sorting, so the list shown is the most overdue.
  return out.sort((a, b) => a.due.getTime() - b.due.getTime() || a.user.fullName.localeCompare(b.user.fullName, 'vi')).slice(0, max);
}
