import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { mayReissue, personMatches, promoteToTrainer, type UserDoc } from '../accounts';
import { emptyPicker, pickerAfterError, unitPicker, unitTyped, type UnitPicker } from '../org';
import { writeCertificatesOfPeopleZip } from '../certificates';
import type { Config } from '../config';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { csrfProtection } from '../shared/csrf';
import { Invalid, Refused } from '../shared/errors';
import { writeCsv } from '../shared/csv';
import { safeLocalPath } from '../shared/page-locals';
import { parseInput } from '../shared/validate';
import { cascadeOf } from './cascade.service';
import {
  addMember,
  applyImport,
  closeCohort,
  cohortInScope,
  cohortProgress,
  countMembers,
  createCohort,
  importOf,
  listCohorts,
  memberIds,
  previewImport,
  APPLY_STALE_MS,
  removeMember,
} from './cohorts.service';
import { behindRuleParams } from './behind';
import { memberOf, ownsCohort, reissueMemberPassword } from './members.service';
import { passwordSheet, takePasswords } from './passwords.service';
import { readRoster, RosterFileError, ROSTER_COLUMNS, ROSTER_MAX_BYTES } from './roster-file';
import { missingColumnsText, rosterTemplate } from './roster-template';

const newCohortForm = z.object({
  name: z.string().max(300),
  unitCode: z.string().max(200),
  unitPick: z.string().max(32).optional(),
  findUnit: z.literal('1').optional(),
  courses: z.union([z.string(), z.array(z.string()).max(5)]).optional(),
  dueDate: z.union([z.iso.date(), z.literal('')]).optional(),
});
const memberForm = z.object({ username: z.string().max(100) });
const searchQuery = z.object({ q: z.string().max(100).optional() });

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ROSTER_MAX_BYTES, files: 1, fields: 5, parts: 6 } });

/**
 * Runs multer, keeping its refusals (too big, too many parts) for the route to show on the
 * cohort page. The CSRF check runs next: the token field comes before the file in the form.
 */
function receiveFile(req: Request, res: Response, next: NextFunction): void {
  upload.single('file')(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      res.locals.uploadError = err.code === 'LIMIT_FILE_SIZE' ? new RosterFileError('roster.tooBig', { mb: ROSTER_MAX_BYTES / 1024 / 1024 }, 413) : new RosterFileError('roster.oneFile');
      req.body ??= {};
      return next();
    }
    // Anything else busboy refuses (no boundary, a body cut off) is a malformed request, not a fault here.
    next(err ? Object.assign(err as Error, { status: 400 }) : undefined);
  });
}

export const ROSTER_UPLOAD_PATH = /^\/cohorts\/[a-f0-9]{24}\/import$/;

export function cohortsRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();
  router.use('/cohorts', ...requireAbility('manageCohorts'));
  router.use('/cascade', ...requireAbility('readCascade'));
  router.use(['/cohorts/:id/import', '/cohorts/:id/imports'], ...requireAbility('importRoster'));

  async function renderCohort(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}, q = '') {
    const cohort = await cohortInScope(actorOf(req), String(req.params.id));
    const everyone = await cohortProgress(catalog, cohort);
    const members = q ? everyone.filter((m) => personMatches(m.user, q)) : everyone;
    const fileError = (extra.fileError ?? null) as RosterFileError | null;
    // a missing column is named in the reader's language, with the headings accepted for it
    const fileMessage = fileError && (fileError.messageKey === 'roster.missingColumns' ? missingColumnsText(res.locals.t, String(fileError.params.columns)) : res.locals.t(fileError.messageKey, fileError.params));
    const actor = actorOf(req);
    const own = ownsCohort(actor, cohort);
    const reissuable = new Set(members.filter((m) => mayReissue(actor, m.user, own)).map((m) => String(m.user._id)));
    res.status(status).render('cohorts/show', { title: cohort.name, cohort, members, reissuable, behindRuleParams, total: everyone.length, q, catalog, errors: {}, columns: ROSTER_COLUMNS, ...extra, fileError, fileMessage });
  }

  // GET /cohorts — the cohorts under my unit; ?q= finds them by name
  router.get('/cohorts', async (req, res) => {
    const q = parseInput(searchQuery, req.query).q?.trim() ?? '';
    const cohorts = await listCohorts(actorOf(req), q);
    const counts = await countMembers(cohorts.map((c) => c._id));
    res.render('cohorts/index', { title: res.locals.t('cohorts.title'), cohorts, counts, q });
  });

  async function renderNew(req: Request, res: Response, status: number, values: Record<string, unknown>, errors: Record<string, string>, picker: UnitPicker) {
    res.status(status).render('cohorts/new', { title: res.locals.t('cohorts.newTitle'), values, errors, catalog, picker });
  }

  // GET /cohorts/template.xlsx — an empty roster with the headings officials use, an example row and instructions
  router.get('/cohorts/template.xlsx', async (req, res) => {
    const file = await rosterTemplate(res.locals.t);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.attachment(res.locals.t('roster.templateFile'));
    res.send(file);
  });

  // GET /cohorts/new — create a cohort
  router.get('/cohorts/new', async (req, res) => {
    await renderNew(req, res, 200, { courses: ['digital-literacy', 'two-level-government'] }, {}, emptyPicker());
  });

  // POST /cohorts — create it (or, with "find unit", show the form again with the matching units)
  router.post('/cohorts', async (req, res) => {
    // What was typed, to show again beside the messages or the units found.
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const courses = ([] as unknown[]).concat(body.courses ?? []).filter((c): c is string => typeof c === 'string');
    const values = { name: text('name'), dueDate: text('dueDate'), courses };
    const actor = actorOf(req);
    try {
      const input = parseInput(newCohortForm, body);
      if (input.findUnit) {
        await renderNew(req, res, 200, values, {}, await unitPicker(actor, input.unitCode, input.unitPick ?? '', true));
        return;
      }
      const dueDate = input.dueDate ? new Date(`${input.dueDate}T23:59:59+07:00`) : null;
      const cohort = await createCohort(actor, { name: input.name, unitCode: unitTyped(input), courses, dueDate });
      res.redirect(303, `/cohorts/${cohort._id}`);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const picker = await pickerAfterError(actor, Boolean(err.fields.unitCode), text('unitCode'), text('unitPick'));
      await renderNew(req, res, 400, values, err.fields, picker);
    }
  });

  // GET /cohorts/:id — members and their progress, people behind first; ?q= finds them by name, username or phone
  router.get('/cohorts/:id', async (req, res) => {
    const { q } = parseInput(searchQuery, req.query);
    await renderCohort(req, res, 200, {}, q?.trim() ?? '');
  });

  // GET /cohorts/:id/members/:userId/password — asks before re-issuing one member's password
  router.get('/cohorts/:id/members/:userId/password', async (req, res) => {
    const { cohort, member } = await memberOf(actorOf(req), req.params.id, req.params.userId);
    res.render('cohorts/reissue', { title: res.locals.t('cohorts.reissueTitle'), cohort, person: member });
  });

  // POST /cohorts/:id/members/:userId/password — a new one-time password for one member, shown once
  router.post('/cohorts/:id/members/:userId/password', async (req, res) => {
    const { cohort, user, oneTimePassword } = await reissueMemberPassword(actorOf(req), req.params.id, req.params.userId);
    res.set('Cache-Control', 'no-store');
    res.render('cohorts/reissued', { title: res.locals.t('people.otpTitle'), cohort, person: user, oneTimePassword });
  });

  // GET /cohorts/:id/certificates.zip — every valid certificate of the cohort, for printing
  router.get('/cohorts/:id/certificates.zip', async (req, res) => {
    const cohort = await cohortInScope(actorOf(req), req.params.id);
    res.attachment(`chung-nhan-lop-${cohort._id}.zip`);
    await writeCertificatesOfPeopleZip(catalog, config.baseUrl, await memberIds(cohort), res);
  });

  // POST /cohorts/:id/members — add one person by username
  router.post('/cohorts/:id/members', async (req, res) => {
    try {
      const { username } = parseInput(memberForm, req.body);
      await addMember(actorOf(req), req.params.id, username);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      await renderCohort(req, res, 400, { errors: err.fields });
      return;
    }
    res.redirect(303, `/cohorts/${req.params.id}`);
  });

  // POST /cohorts/:id/members/:userId/remove
  router.post('/cohorts/:id/members/:userId/remove', async (req, res) => {
    await removeMember(actorOf(req), req.params.id, req.params.userId);
    res.redirect(303, `/cohorts/${req.params.id}`);
  });

  // POST /cohorts/:id/close
  router.post('/cohorts/:id/close', async (req, res) => {
    await closeCohort(actorOf(req), req.params.id);
    res.redirect(303, `/cohorts/${req.params.id}`);
  });

  // POST /cohorts/:id/import — step 1: upload (multer, then the CSRF check) and preview
  router.post('/cohorts/:id/import', receiveFile, csrfProtection, async (req: Request, res: Response) => {
    const actor = actorOf(req);
    await cohortInScope(actor, String(req.params.id));
    const file = req.file;
    try {
      if (res.locals.uploadError) throw res.locals.uploadError as RosterFileError;
      if (!file) throw new RosterFileError('roster.noFile');
      const rows = await readRoster(file.buffer, file.originalname);
      const batch = await previewImport(actor, String(req.params.id), file.originalname, rows);
      res.redirect(303, `/cohorts/${req.params.id}/imports/${batch._id}`);
    } catch (err) {
      if (!(err instanceof RosterFileError)) throw err;
      await renderCohort(req, res, err.status, { fileError: err });
    }
  });

  // GET /cohorts/:id/imports/:importId — the preview: what will be created, updated, enrolled; every invalid row
  router.get('/cohorts/:id/imports/:importId', async (req, res) => {
    const { cohort, batch } = await importOf(actorOf(req), req.params.id, req.params.importId);
    const stopped = batch.status === 'failed' || (batch.status === 'applying' && (!batch.applyingAt || Date.now() - batch.applyingAt.getTime() > APPLY_STALE_MS));
    res.render('cohorts/preview', { title: res.locals.t('roster.previewTitle'), cohort, batch, stopped });
  });

  // POST /cohorts/:id/imports/:importId/confirm — step 2: save the valid rows, then the password sheet
  router.post('/cohorts/:id/imports/:importId/confirm', async (req, res) => {
    await applyImport(actorOf(req), req.params.id, req.params.importId, config.sessionSecret);
    res.redirect(303, `/cohorts/${req.params.id}/imports/${req.params.importId}/passwords`);
  });

  // GET /cohorts/:id/imports/:importId/passwords — the one-time password sheet, for its importer, for 30 minutes
  router.get('/cohorts/:id/imports/:importId/passwords', async (req, res) => {
    const sheet = await passwordSheet(actorOf(req), req.params.id, req.params.importId, config.sessionSecret);
    res.set('Cache-Control', 'no-store');
    res.render('cohorts/passwords', { title: res.locals.t('roster.doneTitle'), ...sheet });
  });

  // POST /cohorts/:id/imports/:importId/passwords.csv — the passwords as CSV, once
  router.post('/cohorts/:id/imports/:importId/passwords.csv', async (req, res) => {
    const passwords = await takePasswords(actorOf(req), req.params.id, req.params.importId, config.sessionSecret);
    if (!passwords) throw new Refused('roster.passwordsGone', {}, 410);
    res.set('Cache-Control', 'no-store');
    res.type('text/csv; charset=utf-8');
    res.attachment(`mat-khau-mot-lan-${req.params.importId}.csv`);
    // headed in the trainer's words, like every file people take away
    const t = res.locals.t as (k: string) => string;
    await writeCsv(res, [t('roster.passwordsCsv.username'), t('roster.passwordsCsv.fullName'), t('roster.passwordsCsv.password')], passwords.map((p) => [p.username, p.fullName, p.password]));
  });

  // GET /cascade — my cascade; GET /cascade/:userId — a branch of it (or, for staff, a trainer's)
  router.get(['/cascade', '/cascade/:userId'], async (req, res) => {
    const actor = actorOf(req);
    // the signed-in person's document, as this request read it (no second read of the same person)
    const view = await cascadeOf(actor, typeof req.params.userId === 'string' ? req.params.userId : null, req.user as unknown as UserDoc);
    res.render('cohorts/cascade', { title: res.locals.t('cascade.title'), view, isMine: String(view.root._id) === String(actor.id) });
  });

  // POST /cascade/:userId/promote — make a person a trainer (their retrainer, or staff in scope)
  router.post('/cascade/:userId/promote', async (req, res) => {
    await promoteToTrainer(actorOf(req), String(req.params.userId));
    // Back to the branch the form was on.
    const back = safeLocalPath((req.body as Record<string, unknown> | undefined)?.back, '/cascade');
    res.redirect(303, back.startsWith('/cascade') ? back : '/cascade');
  });

  return router;
}
