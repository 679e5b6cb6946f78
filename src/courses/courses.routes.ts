import fs from 'node:fs';
import { Router, type Request } from 'express';
import type { Types } from 'mongoose';
import { z } from 'zod';
import { actorOf, requireUser } from '../shared/auth';
import { NotFound } from '../shared/errors';
import { noticeField, parseInput, parseParams } from '../shared/validate';
import { findCourse, findLesson, isLastOfModule, nextStep, quizIsStep, type LessonRef } from './catalog';
import type { Catalog } from './content-loader';
import { markLessonRead, modulesPassed, progressFor } from './progress.service';

/** Per course slug, the due date a learner has for it (owned by cohorts; wired in app.ts). */
export type DueDates = (userId: Types.ObjectId) => Promise<Map<string, { dueDate: Date; cohortName: string; daysLeft: number }>>;

/** `?password=set` after choosing a first password: the page says it is saved. */
const coursesQuery = z.object({ password: noticeField('set') });
/** A course's, module's or lesson's name in a URL, as the content files allow; then looked up in the catalog (unknown: 404). */
const slugParam = z.string().regex(/^[a-z0-9-]{1,100}$/);
const courseParams = z.object({ course: slugParam });
const lessonParams = z.object({ course: slugParam, module: slugParam, lesson: slugParam });

/** Courses: lesson pictures (public), then my courses and their lessons (signed in). */
export function coursesRoutes(catalog: Catalog, dueDates: DueDates = async () => new Map()): Router {
  const router = Router();
  router.use(contentImageRoutes(catalog));
  router.use('/courses', requireUser);
  router.use(courseRoutes(catalog, dueDates));
  router.use(lessonRoutes(catalog));
  return router;
}

/** Lessons' pictures, served from the course folders. */
function contentImageRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /content/:course/:module/images/:file — a lesson's picture (only files the catalog knows)
  router.get('/content/:course/:module/images/:file', (req, res) => {
    const image = catalog.images.get(req.path);
    if (!image) throw new NotFound();
    res.set('Cache-Control', 'public, max-age=604800');
    res.type(image.type);
    fs.createReadStream(image.file).on('error', () => res.destroy()).pipe(res);
  });

  return router;
}

/** My courses, and one course's modules. */
function courseRoutes(catalog: Catalog, dueDates: DueDates): Router {
  const router = Router();

  // GET /courses — my courses with progress and due dates
  router.get('/courses', async (req, res) => {
    const q = parseInput(coursesQuery, req.query);
    const actor = actorOf(req);
    const [progress, dues] = await Promise.all([progressFor(actor, catalog), dueDates(actor.id)]);
    res.render('courses/index', { title: res.locals.t('courses.title'), progress, dues, passwordSet: q.password !== null });
  });

  // GET /courses/:course — the modules of a course and where I stand in each
  router.get('/courses/:course', async (req, res) => {
    const course = findCourse(catalog, parseParams(courseParams, req.params).course);
    const actor = actorOf(req);
    const [all, passed, dues] = await Promise.all([progressFor(actor, catalog), modulesPassed(actor.id, course), dueDates(actor.id)]);
    const progress = all.find((p) => p.course.slug === course.slug)!;
    res.render('courses/course', { title: course.title[req.locale], course, progress, passed, due: dues.get(course.slug) ?? null, next: nextStep(course, progress.read, passed) });
  });

  return router;
}

/** After a module's last lesson comes its quiz (when the course needs it), unless it is passed already. */
async function quizAfter(req: Request, ref: LessonRef): Promise<boolean> {
  if (!isLastOfModule(ref) || !quizIsStep(ref.course, ref.module)) return false;
  return !(await modulesPassed(actorOf(req).id, ref.course)).has(ref.module.folder);
}

/** One lesson, and marking it read. Course, module and lesson are looked up in the catalog: an unknown one is a 404. */
function lessonRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /courses/:course/:module/:lesson — one lesson, with previous/next
  router.get('/courses/:course/:module/:lesson', async (req, res) => {
    const p = parseParams(lessonParams, req.params);
    const ref = findLesson(catalog, p.course, p.module, p.lesson);
    const [all, toQuiz] = await Promise.all([progressFor(actorOf(req), catalog), quizAfter(req, ref)]);
    const progress = all.find((p) => p.course.slug === ref.course.slug)!;
    res.render('courses/lesson', {
      title: ref.lesson.title[req.locale],
      ref,
      isRead: progress.read.has(`${ref.module.folder}/${ref.lesson.slug}`),
      position: ref.index + 1,
      total: progress.total,
      toQuiz,
    });
  });

  // POST /courses/:course/:module/:lesson/read — record the lesson as read, go on: the next
  // lesson, the module's quiz after its last lesson, or the course page after the last one
  router.post('/courses/:course/:module/:lesson/read', async (req, res) => {
    const p = parseParams(lessonParams, req.params);
    const ref = findLesson(catalog, p.course, p.module, p.lesson);
    await markLessonRead(actorOf(req), catalog, ref.course.slug, ref.module.folder, ref.lesson.slug);
    const base = `/courses/${ref.course.slug}`;
    if (await quizAfter(req, ref)) res.redirect(303, `${base}/${ref.module.folder}/quiz`);
    else res.redirect(303, ref.next ? `${base}/${ref.next.module}/${ref.next.lesson}` : base);
  });

  return router;
}
