import { Router, type Request, type Response } from 'express';
import type { Catalog } from '../courses';
import { actorOf, requireUser } from '../shared/auth';
import type { AttemptDoc } from './quiz.model';
import { attemptOf, attemptQuestions, findModule, quizOverview, QuizRefused, resultOf, resultOfAttempt, startAttempt, submitAttempt } from './quiz.service';

/** The module's quiz page: rules, state, history, and a refusal to start. */
async function renderOverview(catalog: Catalog, req: Request, res: Response, status = 200, refusal: QuizRefused | null = null) {
  const o = await quizOverview(actorOf(req), catalog, String(req.params.course), String(req.params.module));
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
      const attempt = await startAttempt(actorOf(req), catalog, req.params.course, req.params.module);
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
    const attempt = await attemptOf(actorOf(req), req.params.id);
    const result = await resultOfAttempt(attempt._id);
    if (result) {
      res.redirect(303, `/quiz/results/${result._id}`);
      return;
    }
    res.set('Cache-Control', 'no-store');
    renderAttempt(catalog, req, res, attempt);
  });

  // POST /quiz/attempts/:id/submit — grade once; a repeat shows the first result
  router.post('/quiz/attempts/:id/submit', async (req, res) => {
    const actor = actorOf(req);
    try {
      const { result } = await submitAttempt(actor, catalog, req.params.id, (req.body ?? {}) as Record<string, unknown>);
      res.redirect(303, `/quiz/results/${result._id}`);
    } catch (err) {
      if (!(err instanceof QuizRefused)) throw err;
      const attempt = await attemptOf(actor, req.params.id);
      renderAttempt(catalog, req, res, attempt, err.status, err, (req.body ?? {}) as Record<string, unknown>);
    }
  });

  // GET /quiz/results/:id — my score, each question right or not, with explanations
  router.get('/quiz/results/:id', async (req, res) => {
    const actor = actorOf(req);
    const result = await resultOf(actor, req.params.id);
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
