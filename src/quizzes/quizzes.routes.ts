import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Catalog } from '../courses';
import { actorOf, requireUser } from '../shared/auth';
import { formBody, idParam, parseParams } from '../shared/validate';
import type { AttemptDoc } from './quiz.model';
import { attemptOf, attemptQuestions, draftAnswers, findModule, quizOverview, QuizRefused, resultOf, resultOfAttempt, saveDraft, startAttempt, submitAttempt } from './quiz.service';

/** Most questions a quiz draws, and most options a question has (as src/courses/content-schema.ts allows). */
const MAX_ANSWERS = 50;
const MAX_CHOICES = 6;
const optionId = z.string().max(64);
/** One answer: an option's id, or for a multiple choice question a list of them. */
const answer = z.union([optionId, z.array(optionId).min(1).max(MAX_CHOICES)]);
/**
 * A quiz submission, or the answers chosen so far (`…/answers`, sent by the page script as the
 * same form): `q_<question id>` → its answer. Other fields (the form token, anything added to
 * the form) are not read. Whether each question was drawn in this attempt and each option is
 * one of its own is for the service to say, on the attempt page.
 */
const submissionForm = formBody
  .transform((body) => Object.fromEntries(Object.entries(body).filter(([key]) => key.startsWith('q_'))))
  .pipe(z.record(z.string().max(100), answer).refine((answers) => Object.keys(answers).length <= MAX_ANSWERS));
/** `/courses/:course/:module/quiz…`: names as the content files allow, then looked up in the catalog (unknown: 404). */
const moduleParams = z.object({ course: z.string().regex(/^[a-z0-9-]{1,100}$/), module: z.string().regex(/^[a-z0-9-]{1,100}$/) });
/** `/quiz/attempts/:id`, `/quiz/results/:id`: an attempt's or a result's id (anything else is a 404). */
const idParams = z.object({ id: idParam });

/** The module's quiz page: rules, state, history, and a refusal to start. */
async function renderOverview(catalog: Catalog, req: Request, res: Response, status = 200, refusal: QuizRefused | null = null) {
  const { course, module } = parseParams(moduleParams, req.params);
  const o = await quizOverview(actorOf(req), catalog, course, module);
  res.status(status).render('quizzes/overview', { title: o.module.title[req.locale], o, refusal });
}

/** An attempt's questions, with a refusal and what was chosen. */
function renderAttempt(catalog: Catalog, req: Request, res: Response, attempt: AttemptDoc, status = 200, refusal: QuizRefused | null = null, chosen: Record<string, unknown> = {}) {
  const { course, module } = findModule(catalog, attempt.course, attempt.module);
  res.status(status).render('quizzes/attempt', {
    title: module.title[req.locale],
    course,
    module,
    attempt,
    items: attemptQuestions(catalog, attempt),
    refusal,
    chosen,
  });
}

/** Quizzes: a module's quiz page, then attempts and results, for signed-in people. */
export function quizzesRoutes(catalog: Catalog): Router {
  const router = Router();
  router.use(['/quiz', '/courses/:course/:module/quiz'], requireUser);
  router.use(quizStartRoutes(catalog));
  router.use(attemptRoutes(catalog));
  return router;
}

/** A module's quiz: its page and starting an attempt. */
function quizStartRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /courses/:course/:module/quiz — the module's quiz: rules, state, history
  router.get('/courses/:course/:module/quiz', async (req, res) => {
    await renderOverview(catalog, req, res);
  });

  // POST /courses/:course/:module/quiz/start — draw questions (or resume the open attempt)
  router.post('/courses/:course/:module/quiz/start', async (req, res) => {
    try {
      const { course, module } = parseParams(moduleParams, req.params);
      const attempt = await startAttempt(actorOf(req), catalog, course, module);
      res.redirect(303, `/quiz/attempts/${attempt._id}`);
    } catch (err) {
      if (!(err instanceof QuizRefused)) throw err;
      await renderOverview(catalog, req, res, err.status, err);
    }
  });

  return router;
}

/** An attempt: its questions, grading it, its result. */
function attemptRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /quiz/attempts/:id — the questions of my attempt (never which answer is right)
  router.get('/quiz/attempts/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const attempt = await attemptOf(actorOf(req), id);
    const result = await resultOfAttempt(attempt._id);
    if (result) {
      res.redirect(303, `/quiz/results/${result._id}`);
      return;
    }
    res.set('Cache-Control', 'no-store');
    renderAttempt(catalog, req, res, attempt, 200, null, draftAnswers(attempt));
  });

  // POST /quiz/attempts/:id/answers — save the answers chosen so far (the page script, as each is chosen)
  router.post('/quiz/attempts/:id/answers', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const answers = submissionForm.safeParse(req.body ?? {});
    if (!answers.success) throw new QuizRefused('validation.answers', {}, 400);
    const { savedAt } = await saveDraft(actorOf(req), catalog, id, answers.data);
    res.json({ savedAt: savedAt.toISOString() });
  });

  // POST /quiz/attempts/:id/submit — grade once; a repeat shows the first result
  router.post('/quiz/attempts/:id/submit', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const answers = submissionForm.safeParse(req.body ?? {});
    const actor = actorOf(req);
    try {
      // answers not in a form's shape: the questions again, with a message (nothing is graded)
      if (!answers.success) throw new QuizRefused('validation.answers', {}, 400);
      const { result } = await submitAttempt(actor, catalog, id, answers.data);
      res.redirect(303, `/quiz/results/${result._id}`);
    } catch (err) {
      if (!(err instanceof QuizRefused)) throw err;
      const attempt = await attemptOf(actor, id);
      renderAttempt(catalog, req, res, attempt, err.status, err, answers.success ? answers.data : {});
    }
  });

  // GET /quiz/results/:id — my score, each question right or not, with explanations
  router.get('/quiz/results/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const actor = actorOf(req);
    const result = await resultOf(actor, id);
    const attempt = await attemptOf(actor, String(result.attempt));
    const { course, module } = findModule(catalog, result.course, result.module);
    const items = attemptQuestions(catalog, attempt);
    const showCorrect = result.passed || module.quiz.showCorrectAfterFail;
    // after a fail: when the next attempt may start (now, after the cooldown, or tomorrow)
    const retry = result.passed ? null : await quizOverview(actor, catalog, course.slug, module.folder);
    res.render('quizzes/result', { title: module.title[req.locale], course, module, result, items, showCorrect, retry });
  });

  return router;
}
