import { Router } from 'express';
import { promoteToTrainer, type UserDoc } from '../accounts';
import { actorOf } from '../shared/auth';
import { safeLocalPath } from '../shared/page-locals';
import { cascadeOf } from './cascade.service';

/** The cascade: who trained whom, and promoting a person to trainer. */
export function cascadeRoutes(): Router {
  const router = Router();

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
