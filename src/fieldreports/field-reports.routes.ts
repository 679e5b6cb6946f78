import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { findUnitById, trailWithin, unitInScope, type UnitDoc } from '../org';
import { barChartSvg, fileFormQuery, formOf, headerOf, writeXlsxSheets } from '../reports';
import { writeCsv } from '../shared/csv';
import { actorOf, requireUser } from '../shared/auth';
import { can, requireAbility, roleMay } from '../shared/permissions';
import { Forbidden, NotFound, Refused } from '../shared/errors';
import { weekNumber } from '../shared/dates';
import { dayLabelVietnam } from '../shared/vn-time';
import { formatWeek } from '../shared/i18n';
import { parseInput } from '../shared/validate';
import { DIFFICULTY_CATEGORIES, MAX_DIFFICULTIES, totalOf, WORK_KINDS, type FieldReportDoc } from './field-report.model';
import { fileReport, findReport, openWeeks, takeUpDifficulty, teamOf, teamReports } from './field-reports.service';
import { DIFFICULTY_COLUMNS, difficultyRows, SUMMARY_COLUMNS, summaryRows, summarySheets, writeSummaryPdf } from './exports';
import { formValuesOf, readReportForm, rowsToShow, type FormValues } from './report-form';
import { pageSummary, weekSummary, weeklyTrend } from './summary';
import { currentWeek, isOpen, parseWeek, shiftWeek, weeksEndingWith, type ReportWeek } from './weeks';

const summaryQuery = z.object({
  unit: z.string().max(32).optional(),
  week: z.string().max(10).optional(),
  /** On files: `codes` for the snake_case machine-readable form. */
  format: fileFormQuery,
});
const takeUpForm = z.object({ note: z.string().trim().min(1).max(500), unit: z.string().max(32).optional(), week: z.string().max(10).optional() });

export function fieldReportsRoutes(): Router {
  const router = Router();
  router.use('/field-reports', requireUser);

  /** The team of the signed-in team leader; anyone else is refused. */
  async function myTeam(req: Request): Promise<UnitDoc> {
    const team = await teamOf(req.user!);
    if (!team) throw new Forbidden(`${req.user!.username} leads no team`);
    return team;
  }

  /** A week that has started (future weeks do not exist yet). */
  function weekParam(value: unknown, now: Date): ReportWeek {
    const week = parseWeek(value);
    if (!week || week.start > now) throw new NotFound(`no report week ${String(value)}`);
    return week;
  }

  // GET /field-reports — a team leader's weekly reports; staff go to the summary
  router.get('/field-reports', async (req, res) => {
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
    const saved = parseWeek(req.query.saved);
    res.render('fieldreports/team', { title: res.locals.t('fieldReports.title'), team, open, past, saved, totalOf });
  });

  function renderForm(req: Request, res: Response, o: { team: UnitDoc; week: ReportWeek; report: FieldReportDoc | null; values: FormValues; errors: Record<string, string>; refusal?: Refused | null; status?: number }) {
    res.status(o.status ?? 200).render('fieldreports/form', {
      title: res.locals.t('fieldReports.formTitle', { week: formatWeek(req.locale, o.week) }),
      team: o.team,
      week: o.week,
      report: o.report,
      // The stored difficulties by id, so each row shows what staff recorded on it.
      stored: Object.fromEntries((o.report?.difficulties ?? []).map((d) => [String(d._id), d])),
      values: o.values,
      errors: o.errors,
      refusal: o.refusal ?? null,
      open: isOpen(o.week, new Date()),
      rows: rowsToShow(o.values),
      kinds: WORK_KINDS,
      categories: DIFFICULTY_CATEGORIES,
      maxDifficulties: MAX_DIFFICULTIES,
    });
  }

  // GET /field-reports/week/:week — the team's report for a week: a form while the week is open
  router.get('/field-reports/week/:week', async (req, res) => {
    const team = await myTeam(req);
    const week = weekParam(req.params.week, new Date());
    const report = await findReport(team._id, week.label);
    renderForm(req, res, { team, week, report, values: formValuesOf(report), errors: {} });
  });

  // POST /field-reports/week/:week — file the week's report, or edit it while the week is open
  router.post('/field-reports/week/:week', async (req, res) => {
    const team = await myTeam(req);
    const now = new Date();
    const week = weekParam(req.params.week, now);
    const { values, input, errors } = readReportForm(req.body as Record<string, unknown>);
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

  /** The unit (own by default, or ?unit= in scope) and week (this week by default) of a summary. */
  async function summaryTarget(req: Request, query: unknown = req.query): Promise<{ unit: UnitDoc; week: ReportWeek; format: 'codes' | undefined }> {
    const q = parseInput(summaryQuery, query);
    const actor = actorOf(req);
    const now = new Date();
    const unit = q.unit ? await unitInScope(actor, q.unit) : await findUnitById(actor.unitId);
    if (!unit) throw new NotFound();
    return { unit, week: q.week ? weekParam(q.week, now) : currentWeek(now), format: q.format };
  }

  async function renderSummary(req: Request, res: Response, unit: UnitDoc, week: ReportWeek, takeUp: { id: string; note: string; error: string } | null = null) {
    const now = new Date();
    const [{ summary, asOf }, trend, trail] = await Promise.all([pageSummary(unit, week, now), weeklyTrend(unit, week, 8, now), trailWithin(actorOf(req), unit)]);
    const t = res.locals.t as (k: string, p?: Record<string, string | number>) => string;
    const chart = barChartSvg(
      trend.map((p) => ({ label: String(weekNumber(p.week) ?? p.week), value: p.helped, title: t('fieldReports.trendPoint', { week: formatWeek(req.locale, p.week), helped: p.helped, reported: p.reported, teams: p.teams }) })),
      t('fieldReports.trendLabel'),
    );
    const thisWeek = currentWeek(now);
    res.status(takeUp ? 400 : 200).render('fieldreports/summary', {
      title: t('fieldReports.summaryTitle', { week: formatWeek(req.locale, week) }),
      s: summary,
      asOf,
      shownPerCategory: 50,
      trend,
      chart,
      trail,
      takeUp,
      kinds: WORK_KINDS,
      previous: shiftWeek(week, -1),
      next: week.label === thisWeek.label ? null : shiftWeek(week, 1),
      weeks: weeksEndingWith(thisWeek, 12).reverse(),
      open: isOpen(week, now),
    });
  }

  // GET /field-reports/summary — the week's reports under a unit, for the weekly briefing
  router.get('/field-reports/summary', ...requireAbility('readFieldSummaries'), async (req, res) => {
    const { unit, week } = await summaryTarget(req);
    await renderSummary(req, res, unit, week);
  });

  function fileName(unit: UnitDoc, week: ReportWeek, what: string, ext: string) {
    return `${what}-${unit.code.replace(/[^\w-]/g, '')}-tuan-${weekNumber(week.label)}-${dayLabelVietnam(week.start)}.${ext}`;
  }

  // GET /field-reports/summary.csv|.xlsx|.pdf and /field-reports/difficulties.csv — the week's summary as files
  router.get(['/field-reports/summary.csv', '/field-reports/summary.xlsx', '/field-reports/summary.pdf', '/field-reports/difficulties.csv'], ...requireAbility('readFieldSummaries'), async (req, res) => {
    const { unit, week, format } = await summaryTarget(req);
    const what = req.path.slice('/field-reports/'.length);
    const actor = actorOf(req);
    await recordAudit({ action: 'report.exported', actor, lineage: unit.lineage, ip: actor.ip, details: `field-${what} unit=${unit.code} week=${week.label}${format ? ' codes' : ''}` });
    const summary = await weekSummary(unit, week);
    const ext = what.split('.').pop()!;
    const style = { form: formOf(format), locale: req.locale, xlsx: ext === 'xlsx' };
    res.attachment(fileName(unit, week, what.startsWith('difficulties') ? 'kho-khan' : 'bao-cao-tuan', ext));
    if (what === 'summary.csv') {
      res.type('text/csv; charset=utf-8');
      await writeCsv(res, headerOf(SUMMARY_COLUMNS, 'fieldSummary', style), summaryRows(summary, style));
    } else if (what === 'difficulties.csv') {
      res.type('text/csv; charset=utf-8');
      await writeCsv(res, headerOf(DIFFICULTY_COLUMNS, 'difficulties', style), difficultyRows(summary, style));
    } else if (what === 'summary.xlsx') {
      await writeXlsxSheets(res, summarySheets(summary, style));
    } else {
      res.type('application/pdf');
      const t = res.locals.t as (k: string, p?: Record<string, string | number>) => string;
      await writeSummaryPdf(res, summary, t, req.locale);
    }
  });

  // POST /field-reports/difficulties/:report/:difficulty — staff take a difficulty up, with a note
  router.post('/field-reports/difficulties/:report/:difficulty', ...requireAbility('takeUpDifficulty'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const parsed = takeUpForm.safeParse(body);
    const reportId = String(req.params.report);
    const difficultyId = String(req.params.difficulty);
    const back = (unit: string | undefined, week: string | undefined) => `/field-reports/summary?${new URLSearchParams({ ...(unit ? { unit } : {}), ...(week ? { week } : {}) }).toString()}#d-${difficultyId}`;
    if (!parsed.success) {
      // Show the summary again with the message beside this difficulty.
      const { unit, week } = await summaryTarget(req, { unit: body.unit, week: body.week });
      const note = typeof body.note === 'string' ? body.note.slice(0, 2000) : '';
      await renderSummary(req, res, unit, week, { id: difficultyId, note, error: note.trim().length > 500 ? 'fieldReports.errors.noteLong' : 'fieldReports.errors.noteRequired' });
      return;
    }
    await takeUpDifficulty(actorOf(req), reportId, difficultyId, parsed.data.note);
    res.redirect(303, back(parsed.data.unit, parsed.data.week));
  });
  return router;
}
