import type { Feature } from '../feature';
import { createSlot } from '../shared/events';
import { coursesRoutes, type DueDates } from './courses.routes';

/** Where the course pages learn each course's due date for the person (cohorts plugs in; src/wiring.ts). */
const dueDates = createSlot<DueDates>('courses.dueDates');

/** Plugs in who knows the person's due dates (cohorts does, in its `wire`). */
export function registerDueDates(provider: DueDates): void {
  dueDates.set(provider);
}

export const coursesFeature: Feature = {
  name: 'courses',
  routes: ({ catalog }) => [coursesRoutes(catalog, async (userId) => (await dueDates.get()?.(userId)) ?? new Map())],
  nav: [{ href: '/courses', key: 'nav.courses', abilities: ['readCourses'], order: 20, more: ['staff', 'admin'] }],
};
