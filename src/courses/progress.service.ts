/**
 * A learner's progress: lessons read (once each), where to resume, and completion by
 * the course file's rule. Only ever for the acting person: nobody reads or changes
 * another person's progress here.
 */
import mongoose, { type Types } from 'mongoose';
import { User } from '../accounts';
import { markChanged } from '../shared/changes';
import type { Actor } from '../shared/actor';
import type { Catalog, Course } from './content-loader';
import { findLesson, lessonKeys } from './catalog';
import { CourseCompletion, LessonRead, type CompletionDoc } from './progress.model';

/**
 * The quiz gate plugs in here (issue 5): which modules of a course the person has passed.
 * Until one is registered, a course whose rule asks for passed quizzes cannot complete.
 */
export type PassedModules = (userId: Types.ObjectId, course: Course) => Promise<Set<string>>;
let passedModules: PassedModules | null = null;
export function registerQuizGate(gate: PassedModules): void {
  passedModules = gate;
}

/** Modules of `course` the person has passed (empty until the quiz gate is registered). */
export async function modulesPassed(userId: Types.ObjectId, course: Course): Promise<Set<string>> {
  return passedModules ? passedModules(userId, course) : new Set();
}

export interface CourseProgress {
  course: Course;
  read: Set<string>;
  total: number;
  percent: number;
  /** The first unread lesson in teaching order (resume point), or null when all are read. */
  resume: { module: string; lesson: string } | null;
  completion: CompletionDoc | null;
}

export async function progressFor(actor: Actor, catalog: Catalog): Promise<CourseProgress[]> {
  const [reads, completions] = await Promise.all([
    LessonRead.find({ user: actor.id }).select('course lesson').lean(),
    CourseCompletion.find({ user: actor.id }).lean<CompletionDoc[]>(),
  ]);
  return catalog.courses.map((course) => {
    const keys = lessonKeys(course);
    const read = new Set(reads.filter((r) => r.course === course.slug && keys.includes(r.lesson)).map((r) => r.lesson));
    const firstUnread = keys.find((k) => !read.has(k));
    const [module, lesson] = (firstUnread ?? '').split('/') as [string, string];
    return {
      course,
      read,
      total: keys.length,
      percent: keys.length ? Math.round((read.size / keys.length) * 100) : 0,
      resume: firstUnread ? { module, lesson } : null,
      completion: completions.find((c) => c.course === course.slug) ?? null,
    };
  });
}

/** Records the lesson as read (idempotent), then checks whether the course is now complete. */
export async function markLessonRead(actor: Actor, catalog: Catalog, course: string, module: string, lesson: string): Promise<void> {
  const ref = findLesson(catalog, course, module, lesson);
  try {
    await LessonRead.create({ user: actor.id, course, lesson: `${module}/${lesson}`, readAt: new Date() });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err; // already read: nothing new to record
  }
  // Also after a read recorded before a crash: the person has started the course.
  const started = await User.updateOne({ _id: actor.id, started: mongoose.trusted({ $ne: course }) }, { $addToSet: { started: course } });
  if (started.modifiedCount > 0) await markChanged('people'); // off the roll-ups' list of people not started
  await completeIfDone(actor.id, ref.course);
}

/**
 * Writes the completion once when the rule holds. The unique key (user, course) makes a
 * concurrent second attempt fail harmlessly: exactly one completion, whatever the timing.
 */
export async function completeIfDone(userId: Types.ObjectId, course: Course): Promise<boolean> {
  if (await CourseCompletion.exists({ user: userId, course: course.slug })) return true;
  if (course.completion.allLessonsRead) {
    const keys = lessonKeys(course);
    const read = await LessonRead.find({ user: userId, course: course.slug }).select('lesson').lean();
    const readSet = new Set(read.map((r) => r.lesson));
    if (!keys.every((k) => readSet.has(k))) return false;
  }
  if (course.completion.allQuizzesPassed) {
    if (!passedModules) return false;
    const passed = await passedModules(userId, course);
    if (!course.modules.every((m) => passed.has(m.folder))) return false;
  }
  try {
    const created = await CourseCompletion.create({ user: userId, course: course.slug, completedAt: new Date(), contentVersion: course.version });
    await User.updateOne({ _id: userId }, { $addToSet: { completed: course.slug }, $set: { [`completedAt.${course.slug}`]: created.completedAt } });
    await markChanged('people');
    for (const listener of completedListeners) await listener(created.toObject() as CompletionDoc);
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
  }
  return true;
}

type CompletedListener = (completion: CompletionDoc) => Promise<void>;
const completedListeners: CompletedListener[] = [];
/** Called once per completion, right after it is written (certificates are issued here). */
export function onCourseCompleted(listener: CompletedListener): void {
  completedListeners.push(listener);
}

type ResetListener = (userId: Types.ObjectId, course: string) => Promise<void>;
const resetListeners: ResetListener[] = [];
/** Called when a completion is withdrawn (quizzes forget the module passes of that course). */
export function onCompletionReset(listener: ResetListener): void {
  resetListeners.push(listener);
}

/** Withdraws a completion so that the person must complete the course again. */
export async function resetCompletion(userId: Types.ObjectId, course: string): Promise<void> {
  await CourseCompletion.deleteOne({ user: userId, course });
  await User.updateOne({ _id: userId }, { $pull: { completed: course }, $unset: { [`completedAt.${course}`]: 1 } });
  await markChanged('people');
  for (const listener of resetListeners) await listener(userId, course);
}

export async function completionsOf(userId: Types.ObjectId): Promise<CompletionDoc[]> {
  return CourseCompletion.find({ user: userId }).lean<CompletionDoc[]>();
}
