/**
 * The person's copy of their course state (`started`, `completed`, `completedAt`): the
 * roll-ups and exports read it from the person. Courses owns the records; it tells accounts
 * here, and accounts writes its own collection.
 */
import mongoose, { type Types } from 'mongoose';
import { updateEach } from '../db/bulk';
import { recheckLater, updateSurely } from '../db/sure-update';
import { User, type UserDoc } from './user.model';

/** The person has read a lesson of `course`; true when this is news (the first lesson of the course). */
export async function markCourseStarted(userId: Types.ObjectId, course: string): Promise<boolean> {
  const started = await User.updateOne({ _id: userId, started: mongoose.trusted({ $ne: course }) }, { $addToSet: { started: course } });
  if (started.modifiedCount === 0) return false;
  // checked again a moment later: a concurrent update of the person (a sign-in) could have lost it
  recheckLater(User, userId, `started:${course}`, { $addToSet: { started: course } }, (u: UserDoc) => (u.started ?? []).includes(course));
  return true;
}

/** The person completed `course` at `at` (idempotent; checked again a moment later). */
export async function markCourseCompleted(userId: Types.ObjectId, course: string, at: Date): Promise<void> {
  await updateSurely(User, userId, `completed:${course}`, { $addToSet: { completed: course }, $set: { [`completedAt.${course}`]: at } }, (u: UserDoc) =>
    (u.completed ?? []).includes(course) && new Date((u.completedAt as unknown as Record<string, Date> | undefined)?.[course] ?? 0).getTime() === at.getTime());
}

/** The person's completion of `course` was withdrawn. */
export async function unmarkCourseCompleted(userId: Types.ObjectId, course: string): Promise<void> {
  await updateSurely(User, userId, `completed:${course}`, { $pull: { completed: course }, $unset: { [`completedAt.${course}`]: 1 } }, (u: UserDoc) => !(u.completed ?? []).includes(course));
}

/** Reconciliation: set people's copies to what the completion records say. */
export async function repairCourseMarks(repairs: { userId: Types.ObjectId; completed: string[]; completedAt: Record<string, Date> }[]): Promise<void> {
  await updateEach(User, repairs.map((r) => ({ filter: { _id: r.userId }, update: { $set: { completed: r.completed, completedAt: r.completedAt } } })));
}
