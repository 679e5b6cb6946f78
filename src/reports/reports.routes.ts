import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { findUnitById, trailWithin, unitInScope, unitName, type UnitDoc } from '../org';
import { actorOf, requireRole } from '../shared/auth';
import { NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { PEOPLE_COLUMNS, peopleRows, ROLLUP_COLUMNS, rollupRowValues, rollupTable, writeRollupPdf, writeXlsx } from './exports';
import { writeCsv } from '../shared/csv';
import { dayLabelVietnam } from '../shared/vn-time';
import { overdue } from './lists';
import { exportsOf, exportLimits, peopleIn, readyExport, requestExport } from './export-jobs';
import { percent } from './rollup.model';
import { trendOf } from './snapshot';
import { trendSvg } from './trend-chart';

const reportQuery = z.object({
  unit: z.string().max(32).optional(),
  sort: z.enum(['name', 'lowest']).optional(),
  remote: z.enum(['1', '']).optional(),
});

const exportsQuery = z.object({
  unit: z.string().max(32).optional(),
  format: z.enum(['csv', 'xlsx']).optional(),
});
const exportRequest = z.object({
  unit: z.string().min(1).max(32),
  format: z.enum(['csv', 'xlsx']),
});

export function reportsRoutes(): Router {
  const router = Router();
  router.use('/reports', ...requireRole('staff', 'admin'));

  async function selectedUnit(req: Request): Promise<UnitDoc> {
    const q = parseInput(reportQuery, req.query);
    const actor = actorOf(req);
    if (q.unit) return unitInScope(actor, q.unit);
    const own = await findUnitById(actor.unitId);
    if (!own) throw new NotFound();
    return own;
  }

  // GET /reports — compliance of my unit and its children against the 100% target; drill down with ?unit=
  router.get('/reports', async (req, res) => {
    const q = parseInput(reportQuery, req.query);
    const unit = await selectedUnit(req);
    const table = await rollupTable(unit);
    let children = table.children;
    if (q.remote === '1') children = children.filter((c) => c.unit.remote);
    children = [...children].sort((a, b) =>
      q.sort === 'lowest' ? percent(a.figures) - percent(b.figures) || b.figures.people - a.figures.people : a.unit.code.localeCompare(b.unit.code),
    );
    const trail = await trailWithin(actorOf(req), unit);
    const people = unit.level === 'team' ? await firstPeople(unit, 200) : [];
    // Lists of who is behind where they can be acted on: a commune or a team.
    const local = unit.level === 'commune' || unit.level === 'team';
    // not started: from the roll-up (the same moment as the figures); overdue: read now
    const waiting = local ? table.waiting : [];
    const late = local ? await overdue(unit) : [];
    const trend = await trendOf(`unit:${unit._id}`);
    const chart = trend.length ? trendSvg(trend, res.locals.t('reports.trendLabel')) : null;
    res.render('reports/dashboard', { title: res.locals.t('reports.title'), unit, table, builtAt: table.builtAt, children, q, trail, people, percent, trend, chart, local, waiting, late });
  });

  async function firstPeople(unit: UnitDoc, max: number) {
    const out = [];
    for await (const row of peopleRows(unit)) {
      out.push(row);
      if (out.length >= max) break;
    }
    return out;
  }

  async function audited(req: Request, unit: UnitDoc, what: string) {
    const actor = actorOf(req);
    await recordAudit({ action: 'report.exported', actor, lineage: unit.lineage, ip: actor.ip, details: `${what} unit=${unit.code}` });
  }

  function fileName(unit: UnitDoc, what: string, ext: string) {
    const day = dayLabelVietnam(new Date());
    return `${what}-${unit.code.replace(/[^\w-]/g, '')}-${day}.${ext}`;
  }

  // GET /reports/people.csv and .xlsx — one row per person of the subtree (streamed); a
  // subtree too big for one request (the whole country) is offered as a background export
  router.get(['/reports/people.csv', '/reports/people.xlsx'], async (req: Request, res: Response) => {
    const unit = await selectedUnit(req);
    const xlsx = req.path.endsWith('.xlsx');
    if ((await peopleIn(unit)) > exportLimits.inlineMaxPeople) {
      res.redirect(303, `/reports/exports?unit=${encodeURIComponent(unit.code)}&format=${xlsx ? 'xlsx' : 'csv'}`);
      return;
    }
    await audited(req, unit, `people.${xlsx ? 'xlsx' : 'csv'}`);
    res.attachment(fileName(unit, 'nguoi-hoc', xlsx ? 'xlsx' : 'csv'));
    if (xlsx) await writeXlsx(res, 'people', PEOPLE_COLUMNS, peopleRows(unit));
    else {
      res.type('text/csv; charset=utf-8');
      await writeCsv(res, PEOPLE_COLUMNS, peopleRows(unit));
    }
  });

  // GET /reports/rollup.csv, .xlsx, .pdf — the unit and its children with their figures
  router.get(['/reports/rollup.csv', '/reports/rollup.xlsx', '/reports/rollup.pdf'], async (req: Request, res: Response) => {
    const unit = await selectedUnit(req);
    const ext = req.path.split('.').pop() as 'csv' | 'xlsx' | 'pdf';
    await audited(req, unit, `rollup.${ext}`);
    const table = await rollupTable(unit);
    const rows = [table.total, ...table.children].map((r) => rollupRowValues(r, req.locale));
    res.attachment(fileName(unit, 'tien-do', ext));
    if (ext === 'csv') {
      res.type('text/csv; charset=utf-8');
      await writeCsv(res, ROLLUP_COLUMNS, rows);
    } else if (ext === 'xlsx') {
      await writeXlsx(res, 'rollup', ROLLUP_COLUMNS, rows);
    } else {
      res.type('application/pdf');
      const t = res.locals.t as (k: string, p?: Record<string, string | number>) => string;
      const when = (res.locals.formatDateTime as (d: Date) => string)(new Date());
      // On paper, in the reader's words: named columns and levels, not the file's column names.
      const header = [t('org.code'), t('reports.unit'), t('cascade.level'), t('reports.people'), t('cohorts.courseShort.digital-literacy'), t('cohorts.courseShort.two-level-government'), t('reports.compliant'), '%'];
      const printed = rows.map((r) => r.map((cell, i) => (i === 2 ? t(`org.levels.${String(cell)}`) : cell)));
      await writeRollupPdf(res, t('reports.pdfTitle', { unit: unitName(unit, req.locale) }), t('reports.pdfSubtitle', { when }), header, printed.slice(1), printed[0]!, (n) => t('reports.pdfMore', { n }));
    }
  });

  // GET /reports/exports — my background exports with their progress; ?unit= offers one to prepare
  router.get('/reports/exports', async (req, res) => {
    const q = parseInput(exportsQuery, req.query);
    let offer = null;
    if (q.unit) {
      const unit = await unitInScope(actorOf(req), q.unit);
      const people = await peopleIn(unit);
      offer = { unit, format: q.format ?? 'csv', people, tooBig: people > exportLimits.inlineMaxPeople };
    }
    const jobs = await exportsOf(actorOf(req));
    const working = jobs.some((j) => j.state === 'queued' || j.state === 'running');
    res.render('reports/exports', { title: res.locals.t('reports.exports.title'), jobs, offer, working });
  });

  // POST /reports/exports — prepare a unit's per-person file in the background
  router.post('/reports/exports', async (req, res) => {
    const body = parseInput(exportRequest, req.body);
    const actor = actorOf(req);
    const unit = await unitInScope(actor, body.unit);
    await audited(req, unit, `people.${body.format} (background)`);
    await requestExport(actor, unit, body.format, req.locale, fileName(unit, 'nguoi-hoc', body.format));
    res.redirect(303, '/reports/exports');
  });

  // GET /reports/exports/:id/download — the prepared file (its owner only)
  router.get('/reports/exports/:id/download', async (req, res) => {
    const job = await readyExport(actorOf(req), req.params.id);
    res.download(job.file, job.fileName, { headers: { 'Cache-Control': 'no-store' } });
  });

  return router;
}
