import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { findUnitById, trailWithin, unitInScope, type UnitDoc } from '../org';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { NotFound } from '../shared/errors';
import { idParam, parseInput, parseParams } from '../shared/validate';
import { peopleRecords, rollupTable, writePeopleFile, writeRollupFile } from './exports';
import { briefingOf } from './briefing';
import { writeBriefingPdf } from './briefing-pdf';
import { FILE_FORMS, fileFormQuery, formOf } from './file-style';
import { dayLabelVietnam } from '../shared/vn-time';
import { overdue } from './lists';
import { retrainingSectionOf } from './retraining-slot';
import { exportsOf, exportLimits, peopleIn, readyExport, requestExport } from './export-jobs';
import { percent } from './rollup.model';
import { trendOf } from './snapshot';
import { formatWeek, type TranslateFn } from '../shared/i18n';
import { trendSvg } from './trend-chart';

const reportQuery = z.object({
  unit: z.string().max(32).optional(),
  sort: z.enum(['name', 'lowest']).optional(),
  remote: z.enum(['1', '']).optional(),
});
/** A file's address: the unit, and `format=codes` for the contract's machine-readable form. */
const fileQuery = z.object({ unit: z.string().max(32).optional(), format: fileFormQuery });

// On the prepared-files page `format` is the file type, so the form is `form` there.
const exportsQuery = z.object({
  unit: z.string().max(32).optional(),
  format: z.enum(['csv', 'xlsx']).optional(),
  form: z.enum(FILE_FORMS).optional(),
});
const exportRequest = z.object({
  unit: z.string().min(1).max(32),
  format: z.enum(['csv', 'xlsx']),
  form: z.enum(FILE_FORMS).default('readable'),
});
/** `/reports/exports/:id/download`: a prepared file's id (anything else is a 404). */
const exportParams = z.object({ id: idParam });

/** The signed-in person's own unit, or ?unit= within their scope. */
async function selectedUnit(req: Request, unitCode: string | undefined): Promise<UnitDoc> {
  const actor = actorOf(req);
  if (unitCode) return unitInScope(actor, unitCode);
  const own = await findUnitById(actor.unitId);
  if (!own) throw new NotFound();
  return own;
}


async function firstPeople(unit: UnitDoc, max: number) {
  const out = [];
  for await (const row of peopleRecords(unit)) {
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


/** The dashboard: a unit's compliance, its children, its trend and who is behind. */
async function showDashboard(req: Request, res: Response): Promise<void> {
  const q = parseInput(reportQuery, req.query);
  const unit = await selectedUnit(req, q.unit);
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
  const [trend, retraining] = await Promise.all([trendOf(`unit:${unit._id}`), retrainingSectionOf(unit)]);
  const chart = trend.length ? trendSvg(trend, res.locals.t('reports.trendLabel'), (w) => formatWeek(req.locale, w)) : null;
  // People attached to the unit itself, in no child unit (a commune's own people): its total less its children's.
  const direct = table.children.length > 0 ? table.total.figures.people - table.children.reduce((n, c) => n + c.figures.people, 0) : 0;
  res.render('reports/dashboard', { title: res.locals.t('reports.title'), unit, table, builtAt: table.builtAt, children, q, trail, people, percent, trend, chart, local, waiting, late, direct, retraining });
}

/** Reports: the dashboard, its files, and background exports, behind their abilities. */
export function reportsRoutes(): Router {
  const router = Router();
  router.use('/reports', ...requireAbility('readReports'));
  router.use('/reports/exports', ...requireAbility('exportReports'));

  // GET /reports — compliance of my unit and its children against the 100% target; drill down with ?unit=
  router.get('/reports', showDashboard);

  router.use(reportFilesRoutes());
  router.use(exportJobsRoutes());
  return router;
}

/** The dashboard's files: people and roll-up as CSV or XLSX, the briefing PDF. */
function reportFilesRoutes(): Router {
  const router = Router();

  // GET /reports/people.csv and .xlsx — one row per person of the subtree (streamed), readable or ?format=codes;
  // a subtree too big for one request (the whole country) is offered as a background export
  router.get(['/reports/people.csv', '/reports/people.xlsx'], ...requireAbility('exportReports'), async (req: Request, res: Response) => {
    const q = parseInput(fileQuery, req.query);
    const unit = await selectedUnit(req, q.unit);
    const xlsx = req.path.endsWith('.xlsx');
    const form = formOf(q.format);
    if ((await peopleIn(unit)) > exportLimits.inlineMaxPeople) {
      res.redirect(303, `/reports/exports?unit=${encodeURIComponent(unit.code)}&format=${xlsx ? 'xlsx' : 'csv'}${form === 'codes' ? '&form=codes' : ''}`);
      return;
    }
    await audited(req, unit, `people.${xlsx ? 'xlsx' : 'csv'}${form === 'codes' ? ' codes' : ''}`);
    res.attachment(fileName(unit, 'nguoi-hoc', xlsx ? 'xlsx' : 'csv'));
    if (!xlsx) res.type('text/csv; charset=utf-8');
    await writePeopleFile(res, unit, { form, locale: req.locale, xlsx });
  });

  // GET /reports/rollup.csv, .xlsx — the unit and its children with their figures, readable or ?format=codes
  router.get(['/reports/rollup.csv', '/reports/rollup.xlsx'], ...requireAbility('exportReports'), async (req: Request, res: Response) => {
    const q = parseInput(fileQuery, req.query);
    const unit = await selectedUnit(req, q.unit);
    const xlsx = req.path.endsWith('.xlsx');
    const form = formOf(q.format);
    await audited(req, unit, `rollup.${xlsx ? 'xlsx' : 'csv'}${form === 'codes' ? ' codes' : ''}`);
    const table = await rollupTable(unit);
    res.attachment(fileName(unit, 'tien-do', xlsx ? 'xlsx' : 'csv'));
    if (!xlsx) res.type('text/csv; charset=utf-8');
    await writeRollupFile(res, [table.total, ...table.children], { form, locale: req.locale, xlsx });
  });

  // GET /reports/rollup.pdf — the briefing: A4 portrait, the unit against 100%, its children, signatures
  router.get('/reports/rollup.pdf', ...requireAbility('exportReports'), async (req: Request, res: Response) => {
    const q = parseInput(reportQuery, req.query);
    const unit = await selectedUnit(req, q.unit);
    await audited(req, unit, 'rollup.pdf');
    const briefing = await briefingOf(unit);
    res.attachment(fileName(unit, 'tien-do', 'pdf'));
    res.type('application/pdf');
    await writeBriefingPdf(res, briefing, res.locals.t as TranslateFn, req.locale);
  });

  return router;
}

/** Background exports: the list, preparing one, downloading it. */
function exportJobsRoutes(): Router {
  const router = Router();

  // GET /reports/exports — my background exports with their progress; ?unit= offers one to prepare
  router.get('/reports/exports', async (req, res) => {
    const q = parseInput(exportsQuery, req.query);
    let offer = null;
    if (q.unit) {
      const unit = await unitInScope(actorOf(req), q.unit);
      const people = await peopleIn(unit);
      offer = { unit, format: q.format ?? 'csv', form: q.form ?? 'readable', people, tooBig: people > exportLimits.inlineMaxPeople };
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
    await audited(req, unit, `people.${body.format}${body.form === 'codes' ? ' codes' : ''} (background)`);
    await requestExport(actor, unit, { format: body.format, form: body.form, locale: req.locale }, fileName(unit, 'nguoi-hoc', body.format));
    res.redirect(303, '/reports/exports');
  });

  // GET /reports/exports/:id/download — the prepared file (its owner only)
  router.get('/reports/exports/:id/download', async (req, res) => {
    const { id } = parseParams(exportParams, req.params);
    const job = await readyExport(actorOf(req), id);
    res.download(job.file, job.fileName, { headers: { 'Cache-Control': 'no-store' } });
  });

  return router;
}
