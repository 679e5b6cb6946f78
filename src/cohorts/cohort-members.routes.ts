import { Router } from 'express';
import { z } from 'zod';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { idParam, parseInput, parseParams } from '../shared/validate';
import { addMember, removeMember } from './cohorts.service';
import { memberOf, reissueMemberPassword } from './members.service';
import { cohortParams, renderCohort } from './cohort-page';

const memberForm = z.object({ username: z.string().max(100) });
const memberParams = z.object({ id: idParam, userId: idParam });

/** A cohort's members: re-issue a password, add one by username, remove one. */
export function cohortMembersRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /cohorts/:id/members/:userId/password — asks before re-issuing one member's password
  router.get('/cohorts/:id/members/:userId/password', async (req, res) => {
    const { id, userId } = parseParams(memberParams, req.params);
    const { cohort, member } = await memberOf(actorOf(req), id, userId);
    res.render('cohorts/reissue', { title: res.locals.t('cohorts.reissueTitle'), cohort, person: member });
  });

  // POST /cohorts/:id/members/:userId/password — a new one-time password for one member, shown once
  router.post('/cohorts/:id/members/:userId/password', async (req, res) => {
    const { id, userId } = parseParams(memberParams, req.params);
    const { cohort, user, oneTimePassword } = await reissueMemberPassword(actorOf(req), id, userId);
    res.set('Cache-Control', 'no-store');
    res.render('cohorts/reissued', { title: res.locals.t('people.otpTitle'), cohort, person: user, oneTimePassword });
  });

  // POST /cohorts/:id/members — add one person by username
  router.post('/cohorts/:id/members', async (req, res) => {
    const { id } = parseParams(cohortParams, req.params);
    try {
      const { username } = parseInput(memberForm, req.body);
      await addMember(actorOf(req), id, username);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      await renderCohort(catalog, req, res, 400, { errors: err.fields });
      return;
    }
    res.redirect(303, `/cohorts/${id}`);
  });

  // POST /cohorts/:id/members/:userId/remove — take one person out of the cohort
  router.post('/cohorts/:id/members/:userId/remove', async (req, res) => {
    const { id, userId } = parseParams(memberParams, req.params);
    await removeMember(actorOf(req), id, userId);
    res.redirect(303, `/cohorts/${id}`);
  });

  return router;
}
