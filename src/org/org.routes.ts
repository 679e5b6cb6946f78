import { Router } from 'express';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { childrenOf, findUnitById, trailWithin, unitInScope } from './org.service';

export function orgRoutes(): Router {
  const router = Router();
  router.use('/org', ...requireAbility('manageOrg'));

  // GET /org — my own unit
  router.get('/org', async (req, res) => {
    const unit = await findUnitById(actorOf(req).unitId);
    res.redirect(303, `/org/${encodeURIComponent(unit?.code ?? '')}`);
  });

  // GET /org/:code — a unit in my subtree: where it sits, and the units under it
  router.get('/org/:code', async (req, res) => {
    const actor = actorOf(req);
    const unit = await unitInScope(actor, req.params.code);
    const [children, trail] = await Promise.all([childrenOf(unit._id), trailWithin(actor, unit)]);
    res.render('org/unit', { title: res.locals.t('org.title'), unit, children, trail });
  });

  return router;
}
