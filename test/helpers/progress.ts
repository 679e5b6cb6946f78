/**
 * A learner's records in courses, quizzes and certificates, written and read directly by tests
 * outside those features' folders: the states a crash or an import leaves, which the pages
 * cannot make, and the records a test checks afterwards.
 */
import mongoose, { type QueryFilter, type Types } from 'mongoose';
import { Certificate, type CertificateDoc } from '../../src/certificates/certificate.model';
import type { Course } from '../../src/courses';
import { CourseCompletion, LessonRead, type CompletionDoc } from '../../src/courses/progress.model';
import { ModulePass, QuizAttempt, QuizResult } from '../../src/quizzes/quiz.model';

type Id = Types.ObjectId;

/** These lessons (`<module folder>/<lesson slug>`) marked read by the person now. */
export async function readLessons(user: Id, course: string, lessonKeys: string[]): Promise<void> {
  await LessonRead.insertMany(lessonKeys.map((lesson) => ({ user, course, lesson, readAt: new Date() })));
}

/** These modules passed (each for a result that is not stored), as passing their quizzes leaves them. */
export async function passModules(user: Id, course: string, modules: string[]): Promise<void> {
  for (const module of modules) await ModulePass.create({ user, course, module, result: new mongoose.Types.ObjectId(), passedAt: new Date() });
}

/**
 * Every lesson of the course read and every module passed, writing only what is missing (so a
 * second call changes nothing); the course's completion is then the app's to make (`completeIfDone`).
 */
export async function readAndPassAll(user: Id, course: Course): Promise<void> {
  for (const m of course.modules) {
    for (const l of m.lessons) {
      await LessonRead.updateOne({ user, course: course.slug, lesson: `${m.folder}/${l.slug}` }, { $setOnInsert: { readAt: new Date() } }, { upsert: true });
    }
    await ModulePass.updateOne({ user, course: course.slug, module: m.folder }, { $setOnInsert: { result: new mongoose.Types.ObjectId(), passedAt: new Date() } }, { upsert: true });
  }
}

/** Forgets every lesson the person read (a test putting things back for the next). */
export async function forgetLessonsRead(user: Id): Promise<void> {
  await LessonRead.deleteMany({ user });
}

/** Whether the person passed the module. */
export async function hasModulePass(user: Id, course: string, module: string): Promise<boolean> {
  return (await ModulePass.exists({ user, course, module })) !== null;
}

/**
 * A passed result of the module's quiz stored just before a crash: no module pass, completion
 * or certificate follows it until something settles it.
 */
export async function passedResultNotSettled(user: Id, course: string, module: string, contentVersion: string): Promise<void> {
  const attempt = await QuizAttempt.create({ user, course, module, questions: [], startedAt: new Date(), deadline: null, contentVersion });
  await QuizResult.create({ attempt: attempt._id, user, course, module, answers: [], correctCount: 1, total: 1, score: 100, passed: true, submittedAt: new Date(), settled: false });
}

/** The person's quiz results moved back in time by `ms` (a cooldown that has passed). */
export async function backdateQuizResults(user: Id, ms: number): Promise<void> {
  await QuizResult.updateMany({ user }, { $set: { submittedAt: new Date(Date.now() - ms) } });
}

/** How many quiz results the person has (graded submissions). */
export async function countQuizResults(user: Id): Promise<number> {
  return QuizResult.countDocuments({ user });
}

/**
 * Only the record of a completed course, without its copy on the person or its certificate:
 * what the certificates service is given, or (`settled: false`) what a crash right after it leaves.
 * For a completion with its copy on the person, see `recordCompletion` in factories.ts.
 */
export async function writeCompletionRecord(user: Id, course: string, opts: { settled?: boolean; contentVersion?: string } = {}): Promise<CompletionDoc> {
  const doc = await CourseCompletion.create({ user, course, completedAt: new Date(), contentVersion: opts.contentVersion ?? 'test', ...(opts.settled === undefined ? {} : { settled: opts.settled }) });
  return doc.toObject() as CompletionDoc;
}

/** One completion record for each of these people, in one write. */
export async function writeCompletionRecords(users: Id[], course: string): Promise<CompletionDoc[]> {
  const docs = await CourseCompletion.insertMany(users.map((user) => ({ user, course, completedAt: new Date(), contentVersion: 'test' })));
  return docs.map((d) => d.toObject() as CompletionDoc);
}

/** The person's completion record of the course, or null. */
export async function completionOf(user: Id, course: string): Promise<CompletionDoc | null> {
  return CourseCompletion.findOne({ user, course }).lean<CompletionDoc>();
}

/** How many completion records match. */
export async function countCompletions(filter: QueryFilter<CompletionDoc>): Promise<number> {
  return CourseCompletion.countDocuments(filter);
}

/** The person's certificate (of the course, when given), or null. */
export async function certificateOf(user: Id, course?: string): Promise<CertificateDoc | null> {
  return Certificate.findOne(course ? { user, course } : { user }).lean<CertificateDoc>();
}

/** How many certificates match. */
export async function countCertificates(filter: QueryFilter<CertificateDoc>): Promise<number> {
  return Certificate.countDocuments(filter);
}
