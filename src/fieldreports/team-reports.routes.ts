import { Router } from 'express';
import { z } from 'zod';
import { findUnitById } from '../org';
import { actorOf } from '../shared/auth';
import { can, roleMay } from '../shared/permissions';
import { Forbidden, Refused } from '../shared/errors';
import { totalOf } from './field-report.model';
import { fileReport, findReport, openWeeks, teamOf, teamReports } from './field-reports.service';
import { formBody, parseInput, parseParams } from '../shared/validate';
import { formValuesOf, readReportForm } from './report-form';
import { parseWeek } from './weeks';
import { myTeam, renderForm, weekParam } from './report-page';

/** `?saved=2026-W48` after filing: the list says that week is saved (anything else: no notice). */
const listQuery = z.object({ saved: z.unknown().optional().transform(parseWeek) });
/** `/field-reports/week/2026-W48`: a week's label (anything else, or a week not begun, is a 404). */
const weekParams = z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/) });

/** A team leader's weekly reports: the list and the week's form. */
export function teamReportsRoutes(): Router {
  const router = Router();

  // GET /field-reports — a team leader's weekly reports; staff go to the summary
  router.get('/field-reports', async (req, res) => {
    const { saved } = parseInput(listQuery, req.query);
    const user = req.user!;
    if (can(user, 'readFieldSummaries')) {
      res.redirect(303, '/field-reports/summary');
      return;
    }
    // any trainer sees this page; only a team leader has a team to file for
    if (!roleMay(user.role, 'fileFieldReport')) throw new Forbidden();
    const team = await teamOf(user);
    if (!team) {
      const own = await findUnitById(user.unit);
      res.render('fieldreports/not-team', { title: res.locals.t('fieldReports.title'), unit: own });
      return;
    }
    const reports = await teamReports(team._id);
    const open = await openWeeks(team, new Date(), reports);
    const past = reports.filter((r) => !open.some((o) => o.week.label === r.week)).map((report) => ({ report, week: parseWeek(report.week)! }));
    res.render('fieldreports/team', { title: res.locals.t('fieldReports.title'), team, open, past, saved, totalOf });
  });

  // GET /field-reports/week/:week — the team's report for a week: a form while the week is open
  router.get('/field-reports/week/:week', async (req, res) => {
    const params = parseParams(weekParams, req.params);
    const team = await myTeam(req);
    const week = weekParam(params.week, new Date());
    const report = await findReport(team._id, week.label);
    renderForm(req, res, { team, week, report, values: formValuesOf(report), errors: {} });
  });

  // POST /field-reports/week/:week — file the week's report, or edit it while the week is open
  router.post('/field-reports/week/:week', async (req, res) => {
    const params = parseParams(weekParams, req.params);
    const body = parseInput(formBody, req.body);
    const team = await myTeam(req);
    const now = new Date();
    const week = weekParam(params.week, now);
    const { values, input, errors } = readReportForm(body);
    if (!input) {
      renderForm(req, res, { team, week, report: await findReport(team._id, week.label), values, errors, status: 400 });
      return;
    }
    try {
      await fileReport(actorOf(req), team, week, input, now);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      renderForm(req, res, { team, week, report: await findReport(team._id, week.label), values, errors: {}, refusal: err, status: err.status });
      return;
    }
    res.redirect(303, `/field-reports?saved=${week.label}`);
  });

  return router;
}
