import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { trailWithin } from '../org';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { formatWeek } from '../shared/i18n';
import { idParam, parseParams } from '../shared/validate';
import { dayLabelVietnam } from '../shared/vn-time';
import { writeRetrainingFile, type RetrainingFile } from './figures-exports';
import { unitRetraining } from './figures-read';

/** `/retraining/units/:unitId…`: a unit's id (anything else is a 400 page). */
const unitParams = z.object({ unitId: idParam });

/** A unit's retraining figures and its files, for staff in scope. */
export function retrainingFiguresRoutes(): Router {
  const router = Router();
  router.use('/retraining/units', ...requireAbility('readRetrainingFigures'));

  // GET /retraining/units/:unitId — sessions held this week and overall, people retrained in person, trainers who held none
  router.get('/retraining/units/:unitId', async (req: Request, res: Response) => {
    const { unitId } = parseParams(unitParams, req.params);
    const actor = actorOf(req);
    const figures = await unitRetraining(actor, unitId);
    const trail = await trailWithin(actor, figures.unit);
    res.render('retraining/unit-figures', { title: res.locals.t('retrainingFigures.title'), figures, trail, weekText: formatWeek(req.locale, figures.week.label) });
  });

  // GET /retraining/units/:unitId/sessions.csv|.xlsx and attendance.csv|.xlsx — the subtree's sessions or attendance (streamed, audited)
  router.get(
    ['/retraining/units/:unitId/sessions.csv', '/retraining/units/:unitId/sessions.xlsx', '/retraining/units/:unitId/attendance.csv', '/retraining/units/:unitId/attendance.xlsx'],
    async (req: Request, res: Response) => {
      const { unitId } = parseParams(unitParams, req.params);
      const actor = actorOf(req);
      const { unit } = await unitRetraining(actor, unitId);
      const xlsx = req.path.endsWith('.xlsx');
      const what: RetrainingFile = req.path.includes('/sessions.') ? 'sessions' : 'attendance';
      await recordAudit({ action: 'retraining.exported', actor, lineage: unit.lineage, ip: actor.ip, details: `${what}.${xlsx ? 'xlsx' : 'csv'} unit=${unit.code}` });
      const word = what === 'sessions' ? 'buoi-tap-huan-lai' : 'diem-danh';
      res.attachment(`${word}-${unit.code.replace(/[^\w-]/g, '')}-${dayLabelVietnam(new Date())}.${xlsx ? 'xlsx' : 'csv'}`);
      if (!xlsx) res.type('text/csv; charset=utf-8');
      await writeRetrainingFile(res, unit, what, { form: 'readable', locale: req.locale, xlsx });
    },
  );

  return router;
}
