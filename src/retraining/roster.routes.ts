import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { findUnitById } from '../org';
import { actorOf } from '../shared/auth';
import { can, requireAbility } from '../shared/permissions';
import { idParam, noticeField, parseInput, parseParams } from '../shared/validate';
import { correctAttendance, rosterOf, saveTicks, walkInsMatching } from './roster.service';
import { recordAttendance } from './attendance.service';
import { editable } from './sessions.service';
import { OPEN_BEFORE_MS } from './scope';
import { topicName } from './topics';
import type { Catalog } from '../courses';

/** `/retraining/:id…`: a session's id (anything else is a 404). */
export const sessionParams = z.object({ id: idParam });

const ids = z.union([idParam, z.array(idParam).max(2000)]).optional();
const asList = (v: string | string[] | undefined): string[] => ([] as string[]).concat(v ?? []);
const ticksForm = z.object({ tick: ids, shown: ids, source: z.enum(['roster', 'sheet']) });
const correctForm = z.object({ tick: ids, shown: ids, reason: z.string().max(600) });
const walkInForm = z.object({ user: idParam });
const pageQuery = z.object({ q: z.string().max(100).optional(), saved: noticeField('ticks', 'walkIn', 'corrected') });

/** The session page (its roster), ticks, walk-ins and staff corrections. */
export function rosterRoutes(catalog: Catalog): Router {
  const router = Router();
  const manage = requireAbility('manageRetraining');

  // GET /retraining/:id — the session: details, the roster with tick boxes, who did not come; ?q= finds a walk-in
  router.get('/retraining/:id', ...manage, async (req, res) => {
    await renderSession(catalog, req, res);
  });

  // POST /retraining/:id/ticks — save the roster's ticks (ticked now, or entered from the paper sheet)
  router.post('/retraining/:id/ticks', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const form = parseInput(ticksForm, req.body);
    await saveTicks(actorOf(req), id, { ticked: asList(form.tick), shown: asList(form.shown) }, form.source);
    res.redirect(303, `/retraining/${id}?saved=ticks#roster`);
  });

  // POST /retraining/:id/walk-in — record a person of my scope who came without an invitation
  router.post('/retraining/:id/walk-in', ...manage, async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const { user } = parseInput(walkInForm, req.body);
    await recordAttendance(actorOf(req), id, user, 'roster');
    res.redirect(303, `/retraining/${id}?saved=walkIn#roster`);
  });

  // POST /retraining/:id/correct — staff change a closed session's attendance, with a reason (audited)
  router.post('/retraining/:id/correct', ...requireAbility('correctRetraining'), async (req, res) => {
    const { id } = parseParams(sessionParams, req.params);
    const form = parseInput(correctForm, req.body);
    await correctAttendance(actorOf(req), id, { ticked: asList(form.tick), shown: asList(form.shown) }, form.reason);
    res.redirect(303, `/retraining/${id}?saved=corrected#roster`);
  });
  return router;
}

async function renderSession(catalog: Catalog, req: Request, res: Response): Promise<void> {
  const { id } = parseParams(sessionParams, req.params);
  const { q, saved } = parseInput(pageQuery, req.query);
  const actor = actorOf(req);
  const { session, lines } = await rosterOf(actor, id);
  const now = new Date();
  const started = now.getTime() >= session.startsAt.getTime() - OPEN_BEFORE_MS;
  const live = session.status === 'scheduled' || session.status === 'open';
  const text = q?.trim() ?? '';
  const found = text && live ? await walkInsMatching(actor, session, text) : [];
  const listed = new Set(lines.map((l) => String(l.person._id)));
  res.render('retraining/show', {
    title: session.title,
    session,
    unit: await findUnitById(session.unit),
    topicNames: session.topics.map((t) => topicName(catalog, t, res.locals.locale as string, res.locals.t)),
    lines,
    absent: lines.filter((l) => l.invited && !l.attended),
    attended: lines.filter((l) => l.attended).length,
    q: text,
    found: found.map((p) => ({ ...p, listed: listed.has(String(p._id)) })),
    saved,
    mayTick: live && started,
    mayCorrect: session.status === 'closed' && can(actor, 'correctRetraining'),
    mayEdit: editable(session, now),
    mayOpen: session.status === 'scheduled' && started,
    mayClose: live && started,
    mayCancel: live && now < session.endsAt && !lines.some((l) => l.attended),
  });
}
