/**
 * Each signed-in person's home: what they must do next. A learner (volunteer, or a trainer
 * taking the courses too): the one next step, each course's progress and due date, the
 * certificates earned. A trainer: their cohorts with people to call, this week's field
 * report and (a team leader) staff's take-ups. Staff: their unit's compliance and change
 * since the last snapshot, the units furthest behind, difficulties waiting for help.
 */
import type { Types } from 'mongoose';
import { myCertificates, type CertificateDoc } from '../certificates';
import { cohortsNeedingAttention, dueDatesOf, type CohortAttention, type CourseDue } from '../cohorts';
import { coursesWithNext, stepPath, type Catalog, type CourseWithNext, type NextStep } from '../courses';
import { helpWaiting, recentTakeUps, weeklyReminder, type HelpWaiting, type TakeUpShown } from '../fieldreports';
import { findUnitById } from '../org';
import { homeFigures, type HomeFigures } from '../reports';
import type { Actor, Role } from '../shared/actor';
import { can } from '../shared/permissions';

export interface LearnerHome {
  courses: (CourseWithNext & { due: CourseDue | null; certificate: CertificateDoc | null })[];
  /** The one next step across courses: in the course due first, else the first course in order. */
  next: { course: CourseWithNext; step: NextStep; href: string } | null;
}

export interface TrainerHome {
  cohorts: CohortAttention[];
  more: boolean;
  weekly: Awaited<ReturnType<typeof weeklyReminder>>;
  takeUps: TakeUpShown[];
}

export interface StaffHome {
  figures: HomeFigures;
  help: HelpWaiting;
}

export interface Home {
  learner: LearnerHome | null;
  trainer: TrainerHome | null;
  staff: StaffHome | null;
}

type Person = { role: Role; unit: Types.ObjectId; lineage: Types.ObjectId[] };

export async function learnerHome(actor: Actor, catalog: Catalog): Promise<LearnerHome> {
  const [courses, dues, certificates] = await Promise.all([coursesWithNext(actor, catalog), dueDatesOf(actor.id), myCertificates(actor)]);
  const rows = courses.map((c) => ({
    ...c,
    due: dues.get(c.course.slug) ?? null,
    certificate: c.completion ? (certificates.find((x) => x.course === c.course.slug && !x.revokedAt) ?? null) : null,
  }));
  const open = rows.filter((c) => c.next);
  const dueTime = (c: (typeof rows)[number]) => c.due?.dueDate.getTime() ?? Number.POSITIVE_INFINITY;
  const first = [...open].sort((a, b) => dueTime(a) - dueTime(b))[0];
  return { courses: rows, next: first?.next ? { course: first, step: first.next, href: stepPath(first.course.slug, first.next) } : null };
}

export async function trainerHome(actor: Actor, person: Person, catalog: Catalog, now = new Date()): Promise<TrainerHome> {
  const [{ cohorts, more }, weekly] = await Promise.all([cohortsNeedingAttention(actor, catalog, now), weeklyReminder(person, now)]);
  return { cohorts, more, weekly, takeUps: weekly ? await recentTakeUps(weekly.team) : [] };
}

export async function staffHome(actor: Actor, now = new Date()): Promise<StaffHome | null> {
  const unit = await findUnitById(actor.unitId);
  if (!unit) return null;
  const [figures, help] = await Promise.all([homeFigures(unit), helpWaiting(unit, now)]);
  return { figures, help };
}

/** The signed-in person's home, by role. */
export async function homeOf(actor: Actor, person: Person, catalog: Catalog, now = new Date()): Promise<Home> {
  const learns = can(actor, 'learn');
  const [learner, trainer, staff] = await Promise.all([
    learns ? learnerHome(actor, catalog) : null,
    // a trainer: a learner who also runs cohorts
    learns && can(actor, 'manageCohorts') ? trainerHome(actor, person, catalog, now) : null,
    can(actor, 'readReports') ? staffHome(actor, now) : null,
  ]);
  return { learner, trainer, staff };
}
