/**
 * A learner's progress: lessons read (once each), where to resume, and completion by
 * the course file's rule. Only ever for the acting person: nobody reads or changes
 * another person's progress here.
 */
import mongoose, { type Types } from 'mongoose';
import { markCourseCompleted, markCourseStarted, unmarkCourseCompleted } from '../accounts';
import { markFiguresChanged } from '../shared/changes';
import { createEvent, createSlot } from '../shared/events';
import type { Actor } from '../shared/actor';
import type { Catalog, Course } from './content-loader';
import { findLesson, lessonKeys } from './catalog';
import { completionBucket, CourseCompletion, LessonRead, type CompletionDoc } from './progress.model';
import { updateEach } from '../db/bulk';
import { insertOnce, isDuplicateKey } from '../db/insert-once';

/**
 * The quiz gate plugs in here (issue 5): which modules of a course the person has passed.
 * Until one is registered, a course whose rule asks for passed quizzes cannot complete.
 */
export type PassedModules = (userId: Types.ObjectId, course: Course) => Promise<Set<string>>;
const quizGate = createSlot<PassedModules>('courses.quizGate');
/** Plugs the quiz gate in (src/wiring.ts does, once per process). */
export function registerQuizGate(gate: PassedModules): void {
  quizGate.set(gate);
}

/** Modules of `course` the person has passed (empty until the quiz gate is registered). */
export async function modulesPassed(userId: Types.ObjectId, course: Course): Promise<Set<string>> {
  const gate = quizGate.get();
  return gate ? gate(userId, course) : new Set();
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
  // What a crash cut short is finished when the person looks: a completion not settled, or a
  // course whose lessons are all read and whose quizzes may all be passed, with no completion.
  for (const c of completions) if (c.settled === false) await settleCompletion(c);
  for (const course of catalog.courses) {
    if (completions.some((c) => c.course === course.slug)) continue;
    const keys = lessonKeys(course);
    if (keys.length === 0 || !keys.every((k) => reads.some((r) => r.course === course.slug && r.lesson === k))) continue;
    if (course.completion.allQuizzesPassed) {
      const passed = await modulesPassed(actor.id, course);
      if (!course.modules.every((m) => passed.has(m.folder))) continue; // the usual case: a quiz still to pass
    }
    if (await completeIfDone(actor.id, course)) {
      const made = await CourseCompletion.findOne({ user: actor.id, course: course.slug }).lean<CompletionDoc>();
      if (made) completions.push(made);
    }
  }
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
  await insertOnce(LessonRead, { user: actor.id, course, lesson: `${module}/${lesson}`, readAt: new Date() }); // false: already read, nothing new to record
  // Also after a read recorded before a crash: the person has started the course.
  if (await markCourseStarted(actor.id, course)) await markFiguresChanged({ people: [actor.id] }); // off the roll-ups' list of people not started
  await completeIfDone(actor.id, ref.course);
}

/**
 * Writes the completion once when the rule holds. The unique key (user, course) makes a
 * concurrent second attempt fail harmlessly: exactly one completion, whatever the timing.
 * A completion already written is settled again if it was not (a crash in between).
 */
export async function completeIfDone(userId: Types.ObjectId, course: Course): Promise<boolean> {
  const existing = await CourseCompletion.findOne({ user: userId, course: course.slug }).lean<CompletionDoc>();
  if (existing) {
    if (existing.settled === false) await settleCompletion(existing);
    return true;
  }
  if (course.completion.allLessonsRead) {
    const keys = lessonKeys(course);
    const read = await LessonRead.find({ user: userId, course: course.slug }).select('lesson').lean();
    const readSet = new Set(read.map((r) => r.lesson));
    if (!keys.every((k) => readSet.has(k))) return false;
  }
  if (course.completion.allQuizzesPassed) {
    const gate = quizGate.get();
    if (!gate) return false;
    const passed = await gate(userId, course);
    if (!course.modules.every((m) => passed.has(m.folder))) return false;
  }
  let created: CompletionDoc;
  try {
    created = (await CourseCompletion.create({ user: userId, course: course.slug, completedAt: new Date(), contentVersion: course.version, settled: false })).toObject() as CompletionDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return true; // written a moment ago by a concurrent request, which settles it
  }
  await settleCompletion(created);
  return true;
}

/** What follows a completion, each step idempotent: the person's copy, the roll-ups' mark, the listeners (the certificate); then marked settled. */
export async function settleCompletion(completion: CompletionDoc): Promise<void> {
  await markCourseCompleted(completion.user, completion.course, completion.completedAt);
  await markFiguresChanged({ people: [completion.user] });
  await courseCompleted.emit(completion);
  await CourseCompletion.updateOne({ _id: completion._id }, { $set: { settled: true } });
}

/** Settles the completions a crash left half done (the repair job). */
export async function settleUnsettledCompletions(max = 500): Promise<number> {
  const pending = await CourseCompletion.find({ settled: false }).limit(max).lean<CompletionDoc[]>();
  let failed = 0;
  for (const c of pending) {
    try {
      await settleCompletion(c);
    } catch {
      failed += 1; // tried again next time; the others go on
    }
  }
  if (failed === pending.length && failed > 0) throw new Error(`${failed} completions could not be settled`);
  return pending.length - failed;
}

const courseCompleted = createEvent<[completion: CompletionDoc]>('courses.completed');
/** Called once per completion, right after it is written (certificates are issued here). Connected in src/wiring.ts. */
export function onCourseCompleted(listener: (completion: CompletionDoc) => Promise<void>): void {
  courseCompleted.on(listener);
}

const completionReset = createEvent<[userId: Types.ObjectId, course: string]>('courses.completionReset');
/** Called when a completion is withdrawn (quizzes forget the module passes of that course). Connected in src/wiring.ts. */
export function onCompletionReset(listener: (userId: Types.ObjectId, course: string) => Promise<void>): void {
  completionReset.on(listener);
}

/** Withdraws a completion so that the person must complete the course again. */
export async function resetCompletion(userId: Types.ObjectId, course: string): Promise<void> {
  await CourseCompletion.deleteOne({ user: userId, course });
  await unmarkCourseCompleted(userId, course);
  await markFiguresChanged({ people: [userId] });
  await completionReset.emit(userId, course);
}

export async function completionsOf(userId: Types.ObjectId): Promise<CompletionDoc[]> {
  return CourseCompletion.find({ user: userId }).lean<CompletionDoc[]>();
}

/** The lessons a person has read (course, lesson key, when), for their trainer's cohort page. */
export async function lessonReadsOf(userId: Types.ObjectId): Promise<{ course: string; lesson: string; readAt: Date }[]> {
  return LessonRead.find({ user: userId }).select('course lesson readAt').lean<{ course: string; lesson: string; readAt: Date }[]>();
}

/** The completion records of one bucket (`completionBucket(user)`): reconciliation reads them all, a bucket at a time. */
export async function completionsInBucket(bucket: number): Promise<{ user: Types.ObjectId; course: string; completedAt: Date }[]> {
  return CourseCompletion.find({ bucket }).select('user course completedAt').lean<{ user: Types.ObjectId; course: string; completedAt: Date }[]>();
}

/** Completion records written before they had a bucket get theirs (a one-off migration; reports runs it once). */
export async function bucketUnbucketedCompletions(): Promise<void> {
  const missing = await CourseCompletion.find({ bucket: mongoose.trusted({ $exists: false }) }).select('user').lean();
  await updateEach(CourseCompletion, missing.map((c) => ({ filter: { _id: c._id }, update: { $set: { bucket: completionBucket(c.user) } } })));
}
