import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { emptyPicker, pickerAfterError, unitPicker, unitTyped } from '../org';
import { writeCertificatesOfPeopleZip } from '../certificates';
import type { Config } from '../config';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { Invalid } from '../shared/errors';
import { formBody, parseInput, parseParams, typedText } from '../shared/validate';
import { closeCohort, cohortInScope, countMembers, createCohort, listCohorts, memberIds } from './cohorts.service';
import { rosterTemplate } from './roster-template';
import { cohortParams, renderCohort, renderNew } from './cohort-page';
import { cohortMembersRoutes } from './cohort-members.routes';
import { rosterRoutes } from './roster.routes';
import { cascadeRoutes } from './cascade.routes';

const newCohortForm = z.object({
  name: z.string().max(300),
  unitCode: z.string().max(200),
  unitPick: z.string().max(32).optional(),
  findUnit: z.literal('1').optional(),
  courses: z.union([z.string().max(100), z.array(z.string().max(100)).max(5)]).optional(),
  dueDate: z.union([z.iso.date(), z.literal('')]).optional(),
});
/** The new-cohort form as typed, to show again beside its messages or the units found. */
const typedCohortForm = formBody.catch({}).pipe(
  z.object({
    name: typedText,
    dueDate: typedText,
    unitCode: typedText,
    unitPick: typedText,
    courses: z.unknown().optional().transform((v) => ([] as unknown[]).concat(v ?? []).filter((c): c is string => typeof c === 'string')),
  }),
);
const searchQuery = z.object({ q: z.string().max(100).optional() });

export const ROSTER_UPLOAD_PATH = /^\/cohorts\/[a-f0-9]{24}\/import$/;

/** Cohorts, their members, roster import and the cascade, behind their abilities. */
export function cohortsRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();
  router.use('/cohorts', ...requireAbility('manageCohorts'));
  router.use('/cascade', ...requireAbility('readCascade'));
  router.use(['/cohorts/:id/import', '/cohorts/:id/imports'], ...requireAbility('importRoster'));
  router.use(cohortPagesRoutes(config, catalog));
  router.use(cohortMembersRoutes(catalog));
  router.use(rosterRoutes(config, catalog));
  router.use(cascadeRoutes());
  return router;
}

/** The list, the new-cohort form, one cohort's page, its certificates and closing it. */
function cohortPagesRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();

  // GET /cohorts — the cohorts under my unit; ?q= finds them by name
  router.get('/cohorts', async (req, res) => {
    const q = parseInput(searchQuery, req.query).q?.trim() ?? '';
    const cohorts = await listCohorts(actorOf(req), q);
    const counts = await countMembers(cohorts.map((c) => c._id));
    res.render('cohorts/index', { title: res.locals.t('cohorts.title'), cohorts, counts, q });
  });

  // GET /cohorts/template.xlsx — an empty roster with the headings officials use, an example row and instructions
  router.get('/cohorts/template.xlsx', async (req, res) => {
    const file = await rosterTemplate(res.locals.t);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.attachment(res.locals.t('roster.templateFile'));
    res.send(file);
  });

  // GET /cohorts/new — create a cohort
  router.get('/cohorts/new', (req, res) => {
    renderNew(catalog, res, 200, { courses: ['digital-literacy', 'two-level-government'] }, {}, emptyPicker());
  });

  // POST /cohorts — create it (or, with "find unit", show the form again with the matching units)
  router.post('/cohorts', createFromForm(catalog));

  // GET /cohorts/:id — members and their progress, people behind first; ?q= finds them by name, username or phone
  router.get('/cohorts/:id', async (req, res) => {
    const { q } = parseInput(searchQuery, req.query);
    await renderCohort(catalog, req, res, 200, {}, q?.trim() ?? '');
  });

  // GET /cohorts/:id/certificates.zip — every valid certificate of the cohort, for printing
  router.get('/cohorts/:id/certificates.zip', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    const cohort = await cohortInScope(actorOf(req), id);
    res.attachment(`chung-nhan-lop-${cohort._id}.zip`);
    await writeCertificatesOfPeopleZip(catalog, config.baseUrl, await memberIds(cohort), res);
  });

  // POST /cohorts/:id/close — close the cohort (no more members or imports)
  router.post('/cohorts/:id/close', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    await closeCohort(actorOf(req), id);
    res.redirect(303, `/cohorts/${id}`);
  });

  return router;
}

/** Handles the new-cohort form: find the unit, or create the cohort; the form again with its errors. */
function createFromForm(catalog: Catalog) {
  return async (req: Request, res: Response) => {
    const typed = typedCohortForm.parse(req.body ?? {});
    const values = { name: typed.name, dueDate: typed.dueDate, courses: typed.courses };
    const actor = actorOf(req);
    try {
      const input = parseInput(newCohortForm, req.body);
      if (input.findUnit) return renderNew(catalog, res, 200, values, {}, await unitPicker(actor, input.unitCode, input.unitPick ?? '', true));
      const dueDate = input.dueDate ? new Date(`${input.dueDate}T23:59:59+07:00`) : null;
      const cohort = await createCohort(actor, { name: input.name, unitCode: unitTyped(input), courses: ([] as string[]).concat(input.courses ?? []), dueDate });
      res.redirect(303, `/cohorts/${cohort._id}`);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const picker = await pickerAfterError(actor, Boolean(err.fields.unitCode), typed.unitCode, typed.unitPick);
      renderNew(catalog, res, 400, values, err.fields, picker);
    }
  };
}
