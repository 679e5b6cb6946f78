import { Router } from 'express';
import { z } from 'zod';
import { promoteToTrainer, type UserDoc } from '../accounts';
import { actorOf } from '../shared/auth';
import { safeLocalPath } from '../shared/page-locals';
import { idParam, parseInput, parseParams } from '../shared/validate';
import { cascadeOf } from './cascade.service';
import { retrainingOfTrainersIn } from './retraining-slot';

/** `/cascade/:userId`: a person's id; `/cascade` alone is my own cascade. */
const branchParams = z.object({ userId: idParam.optional() });
const promoteParams = z.object({ userId: idParam });
/** The page the promote button was on, to go back to (only a /cascade page is followed). */
const promoteForm = z.object({ back: z.string().max(2000).optional() });

/** The cascade: who trained whom, and promoting a person to trainer. */
export function cascadeRoutes(): Router {
  const router = Router();

  // GET /cascade — my cascade; GET /cascade/:userId — a branch of it (or, for staff, a trainer's)
  router.get(['/cascade', '/cascade/:userId'], async (req, res) => {
    const { userId } = parseParams(branchParams, req.params);
    const actor = actorOf(req);
    // the signed-in person's document, as this request read it (no second read of the same person)
    const view = await cascadeOf(actor, userId ?? null, req.user as unknown as UserDoc);
    // sessions held and people retrained in person, per trainer shown (retraining fills the slot)
    const retraining = await retrainingOfTrainersIn([view.root._id, ...view.direct.filter((d) => d.user.role === 'trainer').map((d) => d.user._id)]);
    res.render('cohorts/cascade', { title: res.locals.t('cascade.title'), view, isMine: String(view.root._id) === String(actor.id), retraining });
  });

  // POST /cascade/:userId/promote — make a person a trainer (their retrainer, or staff in scope)
  router.post('/cascade/:userId/promote', async (req, res) => {
    const { userId } = parseParams(promoteParams, req.params);
    const form = parseInput(promoteForm, req.body);
    await promoteToTrainer(actorOf(req), userId);
    // Back to the branch the form was on.
    const back = safeLocalPath(form.back, '/cascade');
    res.redirect(303, back.startsWith('/cascade') ? back : '/cascade');
  });

  return router;
}
