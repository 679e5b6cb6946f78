/**
 * Quiz attempts: drawing questions, enforcing cooldowns, limits and time, and grading
 * exactly once. No transactions: the unique key on a result's attempt is what makes a
 * second (or concurrent) submission a duplicate that shows the first result.
 */
import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import { completeIfDone, findCourse, settleUnsettledCompletions, type Catalog, type Course, type Module, type Question } from '../courses';
import { isObjectId, type Actor } from '../shared/actor';
import { startOfDayVietnam } from '../shared/vn-time';
import { NotFound, Refused } from '../shared/errors';
import { drawQuestions, grade } from './grading';
import { ModulePass, QuizAttempt, QuizResult, type AttemptDoc, type ResultDoc } from './quiz.model';
import { insertOnce, isDuplicateKey } from '../db/insert-once';
import { runJob } from '../shared/metrics';

/** A late submit within this margin still counts (slow networks). */
export const GRACE_MS = 30_000;

/** A quiz action refused for a reason the learner should read (shown on the quiz page). */
export class QuizRefused extends Refused {}

/** The quiz gate: which modules of a course a person has passed (course completion asks; src/wiring.ts plugs it in). */
export async function modulesPassedBy(userId: Types.ObjectId, course: Course): Promise<Set<string>> {
  const passes = await ModulePass.find({ user: userId, course: course.slug }).select('module').lean();
  return new Set(passes.map((p) => p.module));
}

/** A withdrawn completion (revoked certificate) means the quizzes must be passed again (listens to courses' resets; src/wiring.ts). */
export async function forgetPassesOfReset(userId: Types.ObjectId, course: string): Promise<void> {
  await ModulePass.deleteMany({ user: userId, course });
  // a result not yet settled must not bring the withdrawn completion back
  await QuizResult.updateMany({ user: userId, course, settled: false }, { $set: { settled: true } });
}

export function findModule(catalog: Catalog, courseSlug: string, folder: string): { course: Course; module: Module } {
  const course = findCourse(catalog, courseSlug);
  const module = course.modules.find((m) => m.folder === folder);
  if (!module) throw new NotFound();
  return { course, module };
}

export interface QuizOverview {
  course: Course;
  module: Module;
  results: ResultDoc[];
  /** Recent attempts whose time ran out before they were sent (no result, no cooldown). */
  expired: AttemptDoc[];
  /** Results and expired attempts together, newest first: the quiz page's history. */
  history: ({ at: Date; result: ResultDoc } | { at: Date; expired: AttemptDoc })[];
  passed: boolean;
  openAttempt: AttemptDoc | null;
  /** When the next attempt may start, if a cooldown or the daily limit holds it back. */
  waitUntil: Date | null;
  reason: 'cooldown' | 'dailyLimit' | null;
}

export async function quizOverview(actor: Actor, catalog: Catalog, courseSlug: string, folder: string, now = new Date()): Promise<QuizOverview> {
  const { course, module } = findModule(catalog, courseSlug, folder);
  const scope = { user: actor.id, course: course.slug, module: module.folder };
  const [results, pass, attempts] = await Promise.all([
    QuizResult.find(scope).sort({ submittedAt: -1 }).lean<ResultDoc[]>(),
    ModulePass.exists(scope),
    // Enough of the latest attempts to see the open one and to count a day's limit.
    QuizAttempt.find(scope).sort({ startedAt: -1 }).limit(Math.max(5, (module.quiz.dailyLimit ?? 0) + 1)).lean<AttemptDoc[]>(),
  ]);
  // A passed result whose steps a crash cut short is settled here (the person sees it passed)
  const unsettled = results.filter((r) => r.passed && r.settled === false);
  for (const r of unsettled) await settleResult(catalog, r);
  const resultOf = new Map(results.map((r) => [String(r.attempt), r]));
  const expired = (a: AttemptDoc) => a.deadline !== null && a.deadline !== undefined && a.deadline.getTime() + GRACE_MS <= now.getTime();
  const openAttempt = attempts.find((a) => !resultOf.has(String(a._id)) && !expired(a)) ?? null;
  // Submitted attempts, newest first, start the cooldown; one whose time ran out before it was
  // sent is recorded as expired, not as a fail: it starts no cooldown, but it was drawn, so it
  // counts toward the daily limit (starting and abandoning cannot draw questions without end).
  const submitted = results.map((r) => ({ at: r.submittedAt, passed: r.passed }));
  const expiredAttempts = attempts.filter((a) => !resultOf.has(String(a._id)) && expired(a));
  const ended = [...submitted, ...expiredAttempts.map((a) => ({ at: a.deadline!, passed: false }))];

  let waitUntil: Date | null = null;
  let reason: QuizOverview['reason'] = null;
  const last = submitted[0];
  if (!pass && !unsettled.length && last && !last.passed && module.quiz.cooldownMinutes > 0) {
    const until = new Date(last.at.getTime() + module.quiz.cooldownMinutes * 60_000);
    if (until > now) {
      waitUntil = until;
      reason = 'cooldown';
    }
  }
  if (!pass && !unsettled.length && module.quiz.dailyLimit) {
    const today = startOfDayVietnam(now);
    const todays = ended.filter((e) => e.at >= today);
    if (todays.length >= module.quiz.dailyLimit) {
      waitUntil = new Date(today.getTime() + 24 * 3600_000);
      reason = 'dailyLimit';
    }
  }
  const history = [...results.map((result) => ({ at: result.submittedAt, result })), ...expiredAttempts.map((a) => ({ at: a.deadline!, expired: a }))].sort((x, y) => y.at.getTime() - x.at.getTime());
  return { course, module, results, expired: expiredAttempts, history, passed: Boolean(pass) || unsettled.length > 0, openAttempt, waitUntil, reason };
}

/** Starts (or resumes) an attempt: N questions drawn at random, options shuffled, stored server-side. */
export async function startAttempt(actor: Actor, catalog: Catalog, courseSlug: string, folder: string, now = new Date()): Promise<AttemptDoc> {
  const o = await quizOverview(actor, catalog, courseSlug, folder, now);
  if (o.openAttempt) return o.openAttempt;
  if (o.waitUntil) throw new QuizRefused(o.reason === 'cooldown' ? 'quiz.cooldown' : 'quiz.dailyLimit', { until: o.waitUntil.toISOString() }, 429);
  const drawn = drawQuestions(o.module.bank, o.module.quiz.questions, randomInt);
  const created = await QuizAttempt.create({
    user: actor.id,
    course: o.course.slug,
    module: o.module.folder,
    questions: drawn.map((d) => ({ id: d.question.id, options: d.options })),
    startedAt: now,
    deadline: o.module.quiz.timeLimitMinutes ? new Date(now.getTime() + o.module.quiz.timeLimitMinutes * 60_000) : null,
    contentVersion: o.course.version,
  });
  return created.toObject() as AttemptDoc;
}

/** The actor's own attempt; anyone else's is a 404, as if it did not exist. */
export async function attemptOf(actor: Actor, id: string): Promise<AttemptDoc> {
  if (!isObjectId(id)) throw new NotFound();
  const attempt = await QuizAttempt.findOne({ _id: id, user: actor.id }).lean<AttemptDoc>();
  if (!attempt) throw new NotFound();
  return attempt;
}

export async function resultOfAttempt(attemptId: Types.ObjectId): Promise<ResultDoc | null> {
  return QuizResult.findOne({ attempt: attemptId }).lean<ResultDoc>();
}

/** The questions of an attempt, in its drawn order, with the content they come from. */
export function attemptQuestions(catalog: Catalog, attempt: AttemptDoc): { question: Question; options: string[] }[] {
  const { module } = findModule(catalog, attempt.course, attempt.module);
  return attempt.questions.map((q) => {
    const question = module.bank.find((b) => b.id === q.id);
    if (!question) throw new NotFound(); // the bank changed under an open attempt
    return { question, options: q.options };
  });
}

/**
 * The answers of a form (`q_<questionId>` → option id(s)), each checked against the attempt:
 * a question not drawn, or an option not its own, is refused. Unanswered questions are absent.
 */
export function chosenAnswers(drawn: { question: Question; options: string[] }[], raw: Record<string, unknown>): Map<string, string[]> {
  const chosen = new Map<string, string[]>();
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith('q_')) continue;
    const id = key.slice(2);
    const entry = drawn.find((d) => d.question.id === id);
    if (!entry) throw new QuizRefused('quiz.notDrawn', {}, 400);
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length === 0 || values.some((v) => !entry.options.includes(v))) throw new QuizRefused('quiz.unknownOption', {}, 400);
    if (entry.question.type !== 'multiple' && values.length > 1) throw new QuizRefused('quiz.unknownOption', {}, 400);
    chosen.set(id, values);
  }
  return chosen;
}

/** The time after which nothing of an attempt is taken any more (its deadline and the grace); null without a limit. */
function cutoffOf(attempt: AttemptDoc): number | null {
  return attempt.deadline ? attempt.deadline.getTime() + GRACE_MS : null;
}

/** The answers saved on the server, as the attempt form names them (`q_<id>` → options): what the attempt page shows checked. */
export function draftAnswers(attempt: AttemptDoc): Record<string, string[]> {
  return Object.fromEntries((attempt.draft ?? []).filter((d) => d.chosen.length > 0).map((d) => [`q_${d.id}`, d.chosen]));
}

/**
 * Saves the answers chosen so far on the attempt (the whole set, replacing the last), so that a
 * reload or a lost connection brings them back and a late submission is graded from them.
 * Refused once the attempt has a result, or once its time (with the grace) is up: answers
 * saved after the deadline do not count.
 */
export async function saveDraft(actor: Actor, catalog: Catalog, attemptId: string, raw: Record<string, unknown>, now = new Date()): Promise<{ savedAt: Date }> {
  const attempt = await attemptOf(actor, attemptId);
  const chosen = chosenAnswers(attemptQuestions(catalog, attempt), raw);
  if (await resultOfAttempt(attempt._id)) throw new QuizRefused('quizDraft.submitted', {}, 409);
  const cutoff = cutoffOf(attempt);
  if (cutoff !== null && now.getTime() > cutoff) throw new QuizRefused('quizDraft.tooLate', {}, 409);
  const draft = [...chosen].map(([id, options]) => ({ id, chosen: options }));
  await QuizAttempt.updateOne({ _id: attempt._id, user: actor.id }, { $set: { draft, draftSavedAt: now } });
  return { savedAt: now };
}

/**
 * What is graded: the submitted answers, all of them, within the time; after it (a submission
 * the network held back), the draft the server saved before the deadline, unanswered questions
 * counting as wrong. With no saved draft a late submission is refused (expired) as before.
 */
function answersToGrade(attempt: AttemptDoc, drawn: { question: Question; options: string[] }[], raw: Record<string, unknown>, now: Date): Map<string, string[]> {
  const chosen = chosenAnswers(drawn, raw);
  const cutoff = cutoffOf(attempt);
  if (cutoff !== null && now.getTime() > cutoff) {
    // Out of time: answering the rest would not help; what the server held at the deadline counts.
    const saved = new Map(Object.entries(draftAnswers(attempt)).map(([key, options]) => [key.slice(2), options]));
    if (saved.size === 0) throw new QuizRefused('quiz.expired', {}, 409);
    return saved;
  }
  const missing = drawn.filter((d) => !chosen.has(d.question.id)).length;
  if (missing > 0) throw new QuizRefused('quiz.unanswered', { count: missing }, 400);
  return chosen;
}

/**
 * Grades a submission once. Answers arrive as `q_<questionId>` → option id(s).
 * Returns the stored result; `duplicate` when an earlier submission had already made it.
 */
export async function submitAttempt(
  actor: Actor,
  catalog: Catalog,
  attemptId: string,
  raw: Record<string, unknown>,
  now = new Date(),
): Promise<{ result: ResultDoc; duplicate: boolean }> {
  const attempt = await attemptOf(actor, attemptId);
  const existing = await resultOfAttempt(attempt._id);
  if (existing) {
    await settleResult(catalog, existing); // a crash may have stopped the steps after it
    return { result: existing, duplicate: true };
  }

  const drawn = attemptQuestions(catalog, attempt);
  const chosen = answersToGrade(attempt, drawn, raw, now);
  const { module } = findModule(catalog, attempt.course, attempt.module);
  const graded = grade(drawn.map((d) => d.question), chosen, module.quiz.passPercent);
  let result: ResultDoc;
  try {
    const created = await QuizResult.create({ attempt: attempt._id, user: actor.id, course: attempt.course, module: attempt.module, ...graded, submittedAt: now, ...(graded.passed ? { settled: false } : {}) });
    result = created.toObject() as ResultDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Someone (the same phone, twice) got there first: theirs is the result.
    const first = await resultOfAttempt(attempt._id);
    if (!first) throw err;
    await settleResult(catalog, first);
    return { result: first, duplicate: true };
  }
  await settleResult(catalog, result);
  return { result, duplicate: false };
}

/**
 * What follows a passed result, each step idempotent: the module pass, then the course
 * completion (and with it the certificate); then the result is marked settled. Called by
 * every path that sees a result (the submission, a resubmission, the quiz page) and by the
 * repair job, so that a crash at any step ends in the same state.
 */
export async function settleResult(catalog: Catalog, result: Pick<ResultDoc, '_id' | 'user' | 'course' | 'module' | 'passed' | 'submittedAt'> & { settled?: boolean | null }): Promise<void> {
  if (!result.passed || result.settled !== false) return; // settled, or stored before settling existed
  await insertOnce(ModulePass, { user: result.user, course: result.course, module: result.module, result: result._id, passedAt: result.submittedAt }); // false: passed before, nothing changes
  const course = catalog.courses.find((c) => c.slug === result.course);
  if (course) await completeIfDone(result.user, course);
  await QuizResult.updateOne({ _id: result._id }, { $set: { settled: true } });
}

/** Settles the passed results a crash left half done (the repair job). */
export async function settleUnsettledResults(catalog: Catalog, max = 500): Promise<number> {
  const pending = await QuizResult.find({ settled: false }).limit(max).lean<ResultDoc[]>();
  let failed = 0;
  for (const r of pending) {
    try {
      await settleResult(catalog, r);
    } catch {
      failed += 1; // tried again next time; the others go on
    }
  }
  if (failed === pending.length && failed > 0) throw new Error(`${failed} passed results could not be settled`);
  return pending.length - failed;
}

export async function resultOf(actor: Actor, id: string): Promise<ResultDoc> {
  if (!isObjectId(id)) throw new NotFound();
  const result = await QuizResult.findOne({ _id: id, user: actor.id }).lean<ResultDoc>();
  if (!result) throw new NotFound();
  return result;
}

/**
 * The repair job: every minute (and at start), passed results and completions that a crash
 * left half done are finished. Idempotent, so several app processes may all run it.
 */
export function startSettleJob(catalog: Catalog, log: { warn: (o: object, m: string) => void }, everyMs = 60_000): () => void {
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    runJob('quizzes.settle', () =>
      Promise.allSettled([settleUnsettledResults(catalog), settleUnsettledCompletions()]).then((all) => {
        const failed = all.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }),
    )
      .catch((err: unknown) => log.warn({ err }, 'settling unfinished results failed; will try again'))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
