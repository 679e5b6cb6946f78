/** The courses as loaded from content/ once per process. */
import path from 'node:path';
import { NotFound } from '../shared/errors';
import { projectRoot } from '../shared/paths';
import { loadContent, type Catalog, type ContentProblem, type Course, type Lesson, type Module } from './content-loader';

export const CONTENT_DIR = path.join(projectRoot, 'content');

export class ContentInvalid extends Error {
  constructor(public readonly problems: ContentProblem[]) {
    super(`Course content is invalid (${problems.length} problem(s)):\n${problems.map((p) => `  content/${p.file}:${p.line}: ${p.message}`).join('\n')}`);
    this.name = 'ContentInvalid';
  }
}

/** Loads content/ (or `root`) and throws ContentInvalid listing every problem. */
export function loadCatalog(root = CONTENT_DIR): Catalog {
  const { catalog, problems } = loadContent(root);
  if (!catalog) throw new ContentInvalid(problems);
  return catalog;
}

export interface LessonRef {
  course: Course;
  module: Module;
  lesson: Lesson;
  /** Position in the whole course, 0-based. */
  index: number;
  previous: { module: string; lesson: string } | null;
  next: { module: string; lesson: string } | null;
}

export function findCourse(catalog: Catalog, slug: string): Course {
  const course = catalog.courses.find((c) => c.slug === slug);
  if (!course) throw new NotFound();
  return course;
}

/** Every lesson of a course in teaching order, as `module/lesson` keys. */
export function lessonKeys(course: Course): string[] {
  return course.modules.flatMap((m) => m.lessons.map((l) => `${m.folder}/${l.slug}`));
}

export function findLesson(catalog: Catalog, courseSlug: string, moduleFolder: string, lessonSlug: string): LessonRef {
  const course = findCourse(catalog, courseSlug);
  const module = course.modules.find((m) => m.folder === moduleFolder);
  const lesson = module?.lessons.find((l) => l.slug === lessonSlug);
  if (!module || !lesson) throw new NotFound();
  const keys = lessonKeys(course);
  const index = keys.indexOf(`${moduleFolder}/${lessonSlug}`);
  const split = (key: string | undefined) => {
    if (!key) return null;
    const [m, l] = key.split('/') as [string, string];
    return { module: m, lesson: l };
  };
  return { course, module, lesson, index, previous: split(keys[index - 1]), next: split(keys[index + 1]) };
}

/** Whether a module ends with a quiz (a module without a question bank has none). */
export function hasQuiz(module: Module): boolean {
  return module.bank.length > 0;
}

/** Whether this lesson is the last of its module. */
export function isLastOfModule(ref: LessonRef): boolean {
  return ref.module.lessons[ref.module.lessons.length - 1]?.slug === ref.lesson.slug;
}

export type NextStep = { kind: 'lesson'; module: Module; lesson: Lesson } | { kind: 'quiz'; module: Module };

/** Whether a module's quiz is a step of the course's path: it has one, and the course's completion needs it. */
export function quizIsStep(course: Course, module: Module): boolean {
  return course.completion.allQuizzesPassed && hasQuiz(module);
}

/**
 * What a learner does next in a course, in teaching order: a module's first unread lesson,
 * else its quiz if the course needs it and it is not passed yet, then the next module. Null
 * when nothing is left.
 */
export function nextStep(course: Course, read: Set<string>, passed: Set<string>): NextStep | null {
  for (const module of course.modules) {
    const lesson = module.lessons.find((l) => !read.has(`${module.folder}/${l.slug}`));
    if (lesson) return { kind: 'lesson', module, lesson };
    if (quizIsStep(course, module) && !passed.has(module.folder)) return { kind: 'quiz', module };
  }
  return null;
}
