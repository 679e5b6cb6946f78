import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Config } from '../config';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { csrfProtection } from '../shared/csrf';
import { Refused } from '../shared/errors';
import { writeCsv } from '../shared/csv';
import { idParam, parseParams } from '../shared/validate';
import { applyImport, cohortInScope, importOf, previewImport, APPLY_STALE_MS } from './cohorts.service';
import { passwordSheet, takePasswords } from './passwords.service';
import { readRoster, RosterFileError, ROSTER_MAX_BYTES } from './roster-file';
import { cohortParams, renderCohort } from './cohort-page';

/** `/cohorts/:id/imports/:importId…`: a cohort's and one of its imports' ids (anything else is a 404). */
const importParams = z.object({ id: idParam, importId: idParam });

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

/** Roster import: upload and preview, confirm, the one-time password sheet and its CSV. */
export function rosterRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();

  // POST /cohorts/:id/import — step 1: upload (multer, then the CSRF check) and preview
  router.post('/cohorts/:id/import', receiveFile, csrfProtection, async (req: Request, res: Response) => {
    const { id } = parseParams(cohortParams, req.params);
    const actor = actorOf(req);
    await cohortInScope(actor, id);
    const file = req.file;
    try {
      if (res.locals.uploadError) throw res.locals.uploadError as RosterFileError;
      if (!file) throw new RosterFileError('roster.noFile');
      const rows = await readRoster(file.buffer, file.originalname);
      const batch = await previewImport(actor, id, file.originalname, rows);
      res.redirect(303, `/cohorts/${id}/imports/${batch._id}`);
    } catch (err) {
      if (!(err instanceof RosterFileError)) throw err;
      await renderCohort(catalog, req, res, err.status, { fileError: err });
    }
  });

  // GET /cohorts/:id/imports/:importId — the preview: what will be created, updated, enrolled; every invalid row
  router.get('/cohorts/:id/imports/:importId', async (req, res) => {
    const { id, importId } = parseParams(importParams, req.params);
    const { cohort, batch } = await importOf(actorOf(req), id, importId);
    const stopped = batch.status === 'failed' || (batch.status === 'applying' && (!batch.applyingAt || Date.now() - batch.applyingAt.getTime() > APPLY_STALE_MS));
    res.render('cohorts/preview', { title: res.locals.t('roster.previewTitle'), cohort, batch, stopped });
  });

  // POST /cohorts/:id/imports/:importId/confirm — step 2: save the valid rows, then the password sheet
  router.post('/cohorts/:id/imports/:importId/confirm', async (req, res) => {
    const { id, importId } = parseParams(importParams, req.params);
    await applyImport(actorOf(req), id, importId, config.sessionSecret);
    res.redirect(303, `/cohorts/${id}/imports/${importId}/passwords`);
  });

  // GET /cohorts/:id/imports/:importId/passwords — the one-time password sheet, for its importer, for 30 minutes
  router.get('/cohorts/:id/imports/:importId/passwords', async (req, res) => {
    const { id, importId } = parseParams(importParams, req.params);
    const sheet = await passwordSheet(actorOf(req), id, importId, config.sessionSecret);
    res.set('Cache-Control', 'no-store');
    res.render('cohorts/passwords', { title: res.locals.t('roster.doneTitle'), ...sheet });
  });

  // POST /cohorts/:id/imports/:importId/passwords.csv — the passwords as CSV, once
  router.post('/cohorts/:id/imports/:importId/passwords.csv', async (req, res) => {
    const { id, importId } = parseParams(importParams, req.params);
    const passwords = await takePasswords(actorOf(req), id, importId, config.sessionSecret);
    if (!passwords) throw new Refused('roster.passwordsGone', {}, 410);
    res.set('Cache-Control', 'no-store');
    res.type('text/csv; charset=utf-8');
    res.attachment(`mat-khau-mot-lan-${importId}.csv`);
    // headed in the trainer's words, like every file people take away
    const t = res.locals.t as (k: string) => string;
    await writeCsv(res, [t('roster.passwordsCsv.username'), t('roster.passwordsCsv.fullName'), t('roster.passwordsCsv.password')], passwords.map((p) => [p.username, p.fullName, p.password]));
  });

  return router;
}
