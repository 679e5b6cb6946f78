/**
 * The check-in code on the trainer's screen, an attendee's check-in through it, and the
 * printable sign-in sheet. Mounted before the feature's other routers: `/retraining/checkin`
 * must not be taken for a session id.
 */
import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { recordAudit } from '../audit';
import type { AppContext } from '../feature';
import { actorOf } from '../shared/auth';
import { Refused } from '../shared/errors';
import type { TranslateFn } from '../shared/i18n';
import { requireAbility } from '../shared/permissions';
import { AttemptLimiter } from '../shared/rate-limit';
import { dayLabelVietnam } from '../shared/vn-time';
import { formBody, idParam, parseInput, parseParams } from '../shared/validate';
import { checkIn, checkinCodeFor, checkinPreview, ownAttendance, placeText, signInSheetOf } from './checkin.service';
import { checkinKey } from './checkin-token';
import { writeSignInSheet } from './sign-in-sheet';

const sessionParams = z.object({ id: idParam });
/** The token as the QR code's link carries it (its form is checked when it is verified). */
const token = z.string().min(1).max(200);
const checkinQuery = z.object({ t: token });
const checkinForm = z.object({ t: token });

/** Check-ins per person: far more than anyone needs, few enough to stop a script hammering the store. */
const CHECKINS_PER_PERSON = 20;
const CHECKIN_WINDOW_SEC = 10 * 60;

export function checkinRoutes(ctx: AppContext): Router {
  const router = Router();
  const key = checkinKey(ctx.config.sessionSecret);
  const limiter = new AttemptLimiter('retraining_checkin', CHECKINS_PER_PERSON, CHECKIN_WINDOW_SEC);

  // GET /retraining/checkin?t= — the session the scanned code names, and the "I am here" button
  router.get('/retraining/checkin', ...requireAbility('attendRetraining'), async (req: Request, res: Response) => {
    const { t } = parseInput(checkinQuery, req.query);
    const view = await refusalsAsPage(res, () => checkinPreview(actorOf(req), { token: t, key, now: new Date(), locale: req.locale }));
    if (!view) return;
    res.render('retraining/checkin', { title: res.locals.t('retrainingCheckin.checkin.title'), view, token: t, placeText: placeText(view, res.locals.t as TranslateFn) });
  });

  // POST /retraining/checkin — check in with the token (once, however often it is pressed)
  router.post('/retraining/checkin', ...requireAbility('attendRetraining'), async (req: Request, res: Response) => {
    const { t } = parseInput(checkinForm, parseInput(formBody, req.body));
    const actor = actorOf(req);
    const wait = await limiter.consume(String(actor.id));
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new Refused('retrainingCheckin.refused.tooMany', { wait }, 429);
    }
    const done = await refusalsAsPage(res, () => checkIn(actor, { token: t, key, now: new Date(), locale: req.locale }));
    if (!done) return;
    res.redirect(303, `/retraining/${done.sessionId}/checked-in${done.already ? '?already=1' : ''}`);
  });

  // GET /retraining/:id/checked-in — "you are checked in at …" (the attendee's own record)
  router.get('/retraining/:id/checked-in', ...requireAbility('attendRetraining'), async (req: Request, res: Response) => {
    const { id } = parseParams(sessionParams, req.params);
    const already = parseInput(z.object({ already: z.unknown().optional().transform((v) => v === '1') }), req.query).already;
    const own = await ownAttendance(actorOf(req), id);
    res.render('retraining/checked-in', { title: res.locals.t('retrainingCheckin.done.title'), own, already });
  });

  // GET /retraining/:id/checkin-code — the big QR code of this minute, refreshing itself at the next
  router.get('/retraining/:id/checkin-code', ...requireAbility('manageRetraining'), async (req: Request, res: Response) => {
    const { id } = parseParams(sessionParams, req.params);
    const now = new Date();
    const shown = await checkinCodeFor(actorOf(req), { sessionId: id, key, baseUrl: ctx.config.baseUrl, now });
    const title = res.locals.t(shown.code ? 'retrainingCheckin.code.title' : 'retrainingCheckin.code.notOpenTitle');
    if (!shown.code) {
      res.status(409).render('retraining/checkin-code', { title, shown, qr: null, codeRefresh: 0 });
      return;
    }
    const qr = await QRCode.toString(shown.code.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const codeRefresh = Math.max(1, Math.ceil((shown.code.nextAt.getTime() - now.getTime()) / 1000));
    res.render('retraining/checkin-code', { title, shown, qr, codeRefresh });
  });

  // GET /retraining/:id/sheet.pdf — the A4 sign-in sheet to print (audited: it lists people)
  router.get('/retraining/:id/sheet.pdf', ...requireAbility('manageRetraining'), async (req: Request, res: Response) => {
    const { id } = parseParams(sessionParams, req.params);
    const actor = actorOf(req);
    const t = res.locals.t as TranslateFn;
    const sheet = await signInSheetOf(actor, { sessionId: id, locale: req.locale, t });
    await recordAudit({ action: 'retraining.exported', actor, lineage: sheet.lineage, ip: actor.ip, details: `sheet.pdf session=${id} people=${sheet.people.length}` });
    res.attachment(`${t('retrainingCheckin.sheet.fileName')}-${dayLabelVietnam(sheet.session.startsAt)}.pdf`);
    res.type('application/pdf');
    await writeSignInSheet(res, sheet.session, sheet.people, t, req.locale, new Date());
  });

  return router;
}

/**
 * Runs a check-in step; a refusal of the check-in (bad code, session not open, another
 * province) becomes the check-in's own page with its status and message, and null is returned.
 */
async function refusalsAsPage<T>(res: Response, step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof Refused) || !err.messageKey.startsWith('retrainingCheckin.refused.')) throw err;
    const reason = err.messageKey.slice('retrainingCheckin.refused.'.length);
    res.status(err.status).render('retraining/checkin-refused', { title: res.locals.t('retrainingCheckin.refused.title'), message: res.locals.t(err.messageKey, err.params), reason });
    return null;
  }
}
