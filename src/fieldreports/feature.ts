import type { Feature } from '../feature';
import { onLineageChanged } from '../org';
import { reportsFollowTheirTeam } from './field-reports.service';
import { fieldReportsRoutes } from './field-reports.routes';
import { warmFieldSummaries } from './summary';

export const fieldReportsFeature: Feature = {
  name: 'fieldreports',
  routes: () => [fieldReportsRoutes()],
  // Team leaders file the weekly report; staff read the summaries.
  nav: [{ href: '/field-reports', key: 'nav.fieldReports', abilities: ['fileFieldReport', 'readFieldSummaries'], order: 70 }],
  // A unit moved in the tree: its team's field reports follow it.
  wire: () => onLineageChanged(reportsFollowTheirTeam),
  jobs: ({ logger }) => {
    warmFieldSummaries(logger); // once: the week-summary cache of large units
    return () => undefined;
  },
};
