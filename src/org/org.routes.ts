import { Router } from 'express';
import { actorOf, requireRole } from '../shared/auth';
import { childrenOf, findUnitById, unitInScope, unitsByIds } from './org.service';

export function orgRoutes(): Router {
  const router = Router();
  router.use('/org', ...requireRole('staff', 'admin'));

  // GET /org — my own unit
  router.get('/org', async (req, res) => {
    const unit = await findUnitById(actorOf(req).unitId);
    res.redirect(303, `/org/${encodeURIComponent(unit?.code ?? '')}`);
  });

  // GET /org/:code — a unit in my subtree: where it sits, and the units under it
  router.get('/org/:code', async (req, res) => {
    const actor = actorOf(req);
    const unit = await unitInScope(actor, req.params.code);
    const [children, ancestors] = await Promise.all([childrenOf(unit._id), unitsByIds(unit.lineage)]);
    // The breadcrumb starts at the actor's own unit: nothing above it is theirs to browse.
    const ownIndex = unit.lineage.findIndex((id) => String(id) === String(actor.unitId));
    const trail = unit.lineage.slice(ownIndex, -1).map((id) => ancestors.get(String(id))).filter((u) => u !== undefined);
    res.render('org/unit', { title: res.locals.t('org.title'), unit, children, trail });
  });

  return router;
}
