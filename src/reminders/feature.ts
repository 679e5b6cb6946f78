import type { Feature } from '../feature';
import { startRemindersJob } from './job';
import { remindersRoutes } from './reminders.routes';

export const remindersFeature: Feature = {
  name: 'reminders',
  routes: () => [remindersRoutes()],
  nav: [{ href: '/reminders/settings', key: 'nav.reminders', abilities: ['manageReminders'], order: 97, more: ['admin'] }],
  // every 5 minutes: the due-date reminders (daily), the Monday digests, the Friday/Sunday field-report reminders
  jobs: ({ catalog, logger }) => startRemindersJob(catalog, logger),
};
