import { Router } from 'express';
import { z } from 'zod';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { parseInput } from '../shared/validate';
import { addMember, removeMember } from './cohorts.service';
import { memberOf, reissueMemberPassword } from './members.service';
import { renderCohort } from './cohort-page';

const memberForm = z.object({ username: z.string().max(100) });

/** A cohort's members: re-issue a password, add one by username, remove one. */
export function cohortMembersRoutes(catalog: Catalog): Router {
  const router = Router();

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

  // POST /cohorts/:id/members — add one person by username
  router.post('/cohorts/:id/members', async (req, res) => {
    try {
      const { username } = parseInput(memberForm, req.body);
      await addMember(actorOf(req), req.params.id, username);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      await renderCohort(catalog, req, res, 400, { errors: err.fields });
      return;
    }
    res.redirect(303, `/cohorts/${req.params.id}`);
  });

  // POST /cohorts/:id/members/:userId/remove
  router.post('/cohorts/:id/members/:userId/remove', async (req, res) => {
    await removeMember(actorOf(req), req.params.id, req.params.userId);
    res.redirect(303, `/cohorts/${req.params.id}`);
  });

  return router;
}
