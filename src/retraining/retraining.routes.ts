import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { emptyPicker, findUnitById, pickerAfterError, unitPicker } from '../org';
import type { Config } from '../config';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { Forbidden, Invalid } from '../shared/errors';
import { requireUser } from '../shared/auth';
import { can, requireAbility } from '../shared/permissions';
import { parseInput, parseParams } from '../shared/validate';
import { calendarFile, mySession, mySessions } from './mine.service';
import { cancelSession, closeSession, countsOf, createSession, editable, listSessions, openCheckIn, updateSession } from './sessions.service';
import { inputOf, renderForm, sessionForm, typedSessionForm, valuesOf } from './session-form';
import { topicIds } from './topics';
import { managedSession } from './scope';
import { rosterRoutes, sessionParams } from './roster.routes';

const manage = requireAbility('manageRetraining');
const cancelForm = z.object({ reason: z.string().max(600) });

/** Retraining sessions: the trainer's pages (manageRetraining) and "My sessions" (attendRetraining). */
export function retrainingRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();
  router.use('/retraining/mine', ...requireAbility('attendRetraining'));
  router.use(mineRoutes(config));
  router.use(sessionPagesRoutes(catalog));
  router.use(rosterRoutes(catalog));
  return router;
}

/** My sessions and their calendar files. */
function mineRoutes(config: Config): Router {
  const router = Router();

  // GET /retraining/mine — the sessions I am invited to: upcoming, cancelled, attended, missed
  router.get('/retraining/mine', async (req, res) => {
    const lists = await mySessions(actorOf(req));
    res.render('retraining/mine', { title: res.locals.t('retraining.mineTitle'), ...lists });
  });

  // GET /retraining/mine/:id.ics — one of my sessions as a calendar file
  router.get('/retraining/mine/:id.ics', async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const session = await mySession(actorOf(req), id);
    res.type('text/calendar; charset=utf-8');
    res.attachment(`tap-huan-${String(session._id)}.ics`);
    res.send(calendarFile(session, res.locals.t, config.baseUrl));
  });
  return router;
}

/** The list, the new and edit forms, opening, closing and cancelling. */
function sessionPagesRoutes(catalog: Catalog): Router {
  const router = Router();
  const topics = topicIds(catalog);

  // GET /retraining — a trainer's sessions (staff: their subtree's) with invited/attended counts; a volunteer goes to My sessions
  router.get('/retraining', requireUser, async (req, res) => {
    if (!can(req.user, 'manageRetraining')) {
      if (!can(req.user, 'attendRetraining')) throw new Forbidden();
      return res.redirect(303, '/retraining/mine');
    }
    const now = new Date();
    const sessions = await listSessions(actorOf(req));
    const counts = new Map(await Promise.all(sessions.map(async (s) => [String(s._id), await countsOf(s)] as const)));
    const upcoming = sessions.filter((s) => s.status !== 'closed' && s.status !== 'cancelled' && s.endsAt >= now).reverse();
    const past = sessions.filter((s) => !upcoming.includes(s));
    res.render('retraining/index', { title: res.locals.t('retraining.title'), upcoming, past, counts, mayAttend: can(req.user, 'attendRetraining') });
  });

  // GET /retraining/new — schedule a session
  router.get('/retraining/new', ...manage, async (req, res) => {
    await renderForm(res, actorOf(req), catalog, { status: 200, values: { placeKind: 'centre' }, errors: {}, picker: emptyPicker() });
  });

  // POST /retraining — schedule it (or, with "find unit", show the form again with the matching units)
  router.post('/retraining', ...manage, saveFromForm(catalog, topics, null));

  // GET /retraining/:id/edit — change a session until it starts
  router.get('/retraining/:id/edit', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const session = await managedSession(actorOf(req), id);
    if (!editable(session)) return res.redirect(303, `/retraining/${id}`);
    const unit = await findUnitById(session.unit);
    await renderForm(res, actorOf(req), catalog, { status: 200, values: valuesOf(session, unit?.code ?? ''), errors: {}, picker: emptyPicker(unit?.code ?? ''), session });
  });

  // POST /retraining/:id/edit — save the changes (invitees resolved again)
  router.post('/retraining/:id/edit', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    await saveFromForm(catalog, topics, id)(req, res);
  });

  // POST /retraining/:id/open — open check-in on attendees' phones
  router.post('/retraining/:id/open', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    await openCheckIn(actorOf(req), id);
    res.redirect(303, `/retraining/${id}`);
  });

  // POST /retraining/:id/close — close the session (then only staff correct it)
  router.post('/retraining/:id/close', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    await closeSession(actorOf(req), id);
    res.redirect(303, `/retraining/${id}`);
  });

  // POST /retraining/:id/cancel — cancel with a reason (invitees see it)
  router.post('/retraining/:id/cancel', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const { reason } = parseInput(cancelForm, req.body);
    await cancelSession(actorOf(req), id, reason);
    res.redirect(303, `/retraining/${id}`);
  });
  return router;
}

/** Handles the session form (new when `id` is null): find the unit, or save; the form again with its errors. */
function saveFromForm(catalog: Catalog, topics: string[], id: string | null) {
  return async (req: Request, res: Response) => {
    const values = typedSessionForm.parse(req.body ?? {});
    const actor = actorOf(req);
    const session = id ? await managedSession(actor, id) : undefined;
    try {
      const form = parseInput(sessionForm, req.body);
      if (form.findUnit) return renderForm(res, actor, catalog, { status: 200, values, errors: {}, picker: await unitPicker(actor, form.unitCode, form.unitPick ?? '', true), session });
      const saved = id ? await updateSession(actor, id, inputOf(form), topics) : await createSession(actor, inputOf(form), topics);
      res.redirect(303, `/retraining/${String(saved._id)}`);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const picker = await pickerAfterError(actor, Boolean(err.fields.unitCode), values.unitCode, values.unitPick);
      await renderForm(res, actor, catalog, { status: 400, values, errors: err.fields, picker, session });
    }
  };
}
