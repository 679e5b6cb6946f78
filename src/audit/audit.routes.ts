import { Router } from 'express';
import { z } from 'zod';
import { findUnitById } from '../org';
import { actorOf } from '../shared/auth';
import { pageField, pagerLinks } from '../shared/pager';
import { requireAbility } from '../shared/permissions';
import { parseInput } from '../shared/validate';
import { actionLabelKey, AUDIT_ACTIONS } from './audit.model';
import { listAudit } from './audit.service';

const auditQuery = z.object({
  action: z.union([z.enum(AUDIT_ACTIONS), z.literal('')]).optional(),
  username: z.string().max(64).optional(),
  from: z.union([z.iso.date(), z.literal('')]).optional(),
  to: z.union([z.iso.date(), z.literal('')]).optional(),
  page: pageField,
});

export function auditRoutes(): Router {
  const router = Router();

  // GET /admin/audit — the audit log of my subtree, filtered
  router.get('/admin/audit', ...requireAbility('readAudit'), async (req, res) => {
    const q = parseInput(auditQuery, req.query);
    const actor = actorOf(req);
    const own = await findUnitById(actor.unitId);
    const { entries, hasMore, stoppedAt } = await listAudit(actor, {
      action: q.action || undefined,
      username: q.username?.trim() || undefined,
      // Dates are days in Vietnam (UTC+7), inclusive.
      from: q.from ? new Date(`${q.from}T00:00:00+07:00`) : undefined,
      to: q.to ? new Date(`${q.to}T23:59:59.999+07:00`) : undefined,
      page: q.page,
    }, own?.level === 'central');
    const pager = pagerLinks('/admin/audit', { action: q.action ?? '', username: q.username ?? '', from: q.from ?? '', to: q.to ?? '' }, q.page, hasMore);
    res.render('audit/list', { title: res.locals.t('audit.title'), q, entries, pager, stoppedAt, actions: AUDIT_ACTIONS, actionLabelKey });
  });

  return router;
}
