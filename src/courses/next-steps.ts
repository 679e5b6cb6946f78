/**
 * A learner's courses with the one next step of each (the course page's rule: ./catalog
 * nextStep), for the home page and My courses.
 */
import type { Actor } from '../shared/actor';
import { nextStep, type NextStep } from './catalog';
import type { Catalog } from './content-loader';
import { modulesPassed, progressFor, type CourseProgress } from './progress.service';

export interface CourseWithNext extends CourseProgress {
  passed: Set<string>;
  /** The next lesson or quiz; null when the course is complete or nothing is left. */
  next: NextStep | null;
}

export async function coursesWithNext(actor: Actor, catalog: Catalog): Promise<CourseWithNext[]> {
  const all = await progressFor(actor, catalog);
  return Promise.all(
    all.map(async (p) => {
      const passed = await modulesPassed(actor.id, p.course);
      return { ...p, passed, next: p.completion ? null : nextStep(p.course, p.read, passed) };
    }),
  );
}

/** Where a step is: a lesson's page or a module's quiz. */
export function stepPath(courseSlug: string, step: NextStep): string {
  return step.kind === 'lesson' ? `/courses/${courseSlug}/${step.module.folder}/${step.lesson.slug}` : `/courses/${courseSlug}/${step.module.folder}/quiz`;
}
