import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { findUnitById, trailWithin, unitInScope, type UnitDoc } from '../org';
import { barChartSvg, fileFormQuery, formOf, headerOf, writeXlsxSheets } from '../reports';
import { writeCsv } from '../shared/csv';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { NotFound } from '../shared/errors';
import { weekNumber } from '../shared/dates';
import { dayLabelVietnam } from '../shared/vn-time';
import { formatWeek } from '../shared/i18n';
import { formBody, idParam, parseInput, parseParams } from '../shared/validate';
import { WORK_KINDS } from './field-report.model';
import { takeUpDifficulty } from './field-reports.service';
import { DIFFICULTY_COLUMNS, difficultyRows, SUMMARY_COLUMNS, summaryRows, summarySheets, writeSummaryPdf } from './exports';
import { pageSummary, weekSummary, weeklyTrend } from './summary';
import { currentWeek, isOpen, shiftWeek, weeksEndingWith, type ReportWeek } from './weeks';

import { weekParam } from './report-page';

const summaryQuery = z.object({
  unit: z.string().max(32).optional(),
  week: z.string().max(10).optional(),
  /** On files: `codes` for the snake_case machine-readable form. */
  format: fileFormQuery,
});
/** `/field-reports/difficulties/:report/:difficulty`: a report's and one of its difficulties' ids (anything else is a 404). */
const takeUpParams = z.object({ report: idParam, difficulty: idParam });
const takeUpForm = z.object({ note: z.string().trim().min(1).max(500), unit: z.string().max(32).optional(), week: z.string().max(10).optional() });

/** The unit (own by default, or ?unit= in scope) and week (this week by default) of a summary. */
export async function summaryTarget(req: Request, query: unknown = req.query): Promise<{ unit: UnitDoc; week: ReportWeek; format: 'codes' | undefined }> {
  const q = parseInput(summaryQuery, query);
  const actor = actorOf(req);
  const now = new Date();
  const unit = q.unit ? await unitInScope(actor, q.unit) : await findUnitById(actor.unitId);
  if (!unit) throw new NotFound();
  return { unit, week: q.week ? weekParam(q.week, now) : currentWeek(now), format: q.format };
}


/** The summary page: the week's reports under a unit, its trend, and a take-up form's message. */
export async function renderSummary(req: Request, res: Response, unit: UnitDoc, week: ReportWeek, takeUp: { id: string; note: string; error: string } | null = null) {
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


export function fileName(unit: UnitDoc, week: ReportWeek, what: string, ext: string) {
  return `${what}-${unit.code.replace(/[^\w-]/g, '')}-tuan-${weekNumber(week.label)}-${dayLabelVietnam(week.start)}.${ext}`;
}


/** Sends the week's summary (or its difficulties) as the file the path names. */
async function sendSummaryFile(req: Request, res: Response): Promise<void> {
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
}

/** Staff's weekly summary of field reports, its files, and taking a difficulty up. */
export function fieldSummaryRoutes(): Router {
  const router = Router();

  // GET /field-reports/summary — the week's reports under a unit, for the weekly briefing
  router.get('/field-reports/summary', ...requireAbility('readFieldSummaries'), async (req, res) => {
    const { unit, week } = await summaryTarget(req);
    await renderSummary(req, res, unit, week);
  });

  // GET /field-reports/summary.csv|.xlsx|.pdf and /field-reports/difficulties.csv — the week's summary as files
  router.get(['/field-reports/summary.csv', '/field-reports/summary.xlsx', '/field-reports/summary.pdf', '/field-reports/difficulties.csv'], ...requireAbility('readFieldSummaries'), sendSummaryFile);

  // POST /field-reports/difficulties/:report/:difficulty — staff take a difficulty up, with a note
  router.post('/field-reports/difficulties/:report/:difficulty', ...requireAbility('takeUpDifficulty'), async (req, res) => {
    const { report: reportId, difficulty: difficultyId } = parseParams(takeUpParams, req.params);
    const body = parseInput(formBody, req.body);
    const parsed = takeUpForm.safeParse(body);
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
