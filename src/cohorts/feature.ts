import type { Feature } from '../feature';
import { registerDueDates } from '../courses';
import { cohortsRoutes } from './cohorts.routes';
import { registerPastDueCohorts } from '../reports';
import { dueDatesOf, pastDueCohortsUnder } from './due-dates';
import { giveCohortsTheirDueDays } from './due-windows';
import { startPasswordsCleanup } from './passwords.service';

export const cohortsFeature: Feature = {
  name: 'cohorts',
  routes: ({ config, catalog }) => [cohortsRoutes(config, catalog)],
  nav: [
    { href: '/cohorts', key: 'nav.cohorts', abilities: ['manageCohorts'], order: 40, more: ['staff', 'admin'] },
    { href: '/cascade', key: 'nav.cascade', abilities: ['readCascade'], order: 50, more: ['trainer', 'staff', 'admin'] },
  ],
  // The course pages show each course's due date: the earliest of the person's open cohorts.
  // The reports' overdue list: members of the unit's cohorts past their due date.
  wire: () => {
    registerDueDates(dueDatesOf);
    registerPastDueCohorts(pastDueCohortsUnder);
  },
  // deletes sealed one-time passwords after 30 minutes; once: gives older cohorts their due day (reminders read by it)
  jobs: ({ logger }) => {
    giveCohortsTheirDueDays().catch((err: unknown) => logger.error({ err }, 'due days of older cohorts failed'));
    return startPasswordsCleanup(logger);
  },
};
