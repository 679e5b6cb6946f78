import { Router } from 'express';
import { requireUser } from '../shared/auth';
import { teamReportsRoutes } from './team-reports.routes';
import { fieldSummaryRoutes } from './field-summary.routes';

/** Weekly field reports: team leaders file them, staff read the summary. */
export function fieldReportsRoutes(): Router {
  const router = Router();
  router.use('/field-reports', requireUser);
  router.use(teamReportsRoutes());
  router.use(fieldSummaryRoutes());
  return router;
}
