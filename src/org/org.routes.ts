import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { parseParams } from '../shared/validate';
import { childrenOf, findUnitById, trailWithin, unitInScope } from './org.service';

/** `/org/:code`: a unit's code as the organisation file gives it (anything else is a 404). */
const unitParams = z.object({ code: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/) });

/** The organisation tree, unit by unit, for staff. */
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
    const { code } = parseParams(unitParams, req.params);
    const actor = actorOf(req);
    const unit = await unitInScope(actor, code);
    const [children, trail] = await Promise.all([childrenOf(unit._id), trailWithin(actor, unit)]);
    res.render('org/unit', { title: res.locals.t('org.title'), unit, children, trail });
  });

  return router;
}
