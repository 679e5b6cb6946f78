/**
 * The notifications' pages: the inbox (`/inbox`), the email preferences
 * (`/account/notifications`), the one-click unsubscribe (`/unsubscribe`, signed out too) and
 * the sent log for staff (`/notifications/sent`). Also the header's unread count on every page.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { contactOf, setOwnEmail } from '../accounts';
import type { Config } from '../config';
import { actorOf, requireUser } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { pageField, pagerLinks } from '../shared/pager';
import { requireAbility } from '../shared/permissions';
import { formBody, idParam, noticeField, parseInput, parseParams } from '../shared/validate';
import { inboxPage, markAllRead, openNotification, unreadCount } from './inbox.service';
import { NOTIFICATION_KINDS } from './notification.model';
import { emailChoices, setEmailChoices } from './preferences';
import { sentLogRoutes } from './sent-log.routes';
import { unsubscribe, unsubscribeTarget } from './unsubscribe';

const inboxQuery = z.object({ page: pageField, done: noticeField('read') });
const openParams = z.object({ id: idParam });
const prefsQuery = z.object({ saved: noticeField('1') });
/** The preferences form: the address, and one checkbox per kind (`email_<kind>` = "on"). */
const prefsForm = z.object({
  email: z.string().max(320).default(''),
  ...Object.fromEntries(NOTIFICATION_KINDS.map((k) => [`email_${k}`, z.literal('on').optional()])),
});
/** The token of an unsubscribe link (query, or the form's / mail client's POST). */
const tokenQuery = z.object({ t: z.string().min(1).max(200) });
const tokenBody = z.object({ t: z.string().min(1).max(200).optional() });

export function notificationsRoutes(config: Config): Router {
  const router = Router();
  router.use(unreadCountLocals);
  router.use(inboxRoutes());
  router.use(preferenceRoutes());
  router.use(unsubscribeRoutes(config));
  router.use(sentLogRoutes());
  return router;
}

/**
 * The header's unread count for a signed-in person's pages (GET, asking for HTML): one indexed
 * count (`user`, `unread`). This router is the first of the feature list, so every page has it.
 */
async function unreadCountLocals(req: Request, res: Response, next: NextFunction): Promise<void> {
  const page = req.method === 'GET' && (!req.headers.accept || req.headers.accept.includes('text/html'));
  if (req.user && page) res.locals.unreadCount = await unreadCount(req.user._id);
  next();
}

function inboxRoutes(): Router {
  const router = Router();
  router.use('/inbox', requireAbility('readInbox'));

  // GET /inbox — my notifications, newest first, unread marked
  router.get('/inbox', async (req, res) => {
    const q = parseInput(inboxQuery, req.query);
    const page = await inboxPage(actorOf(req), req.locale, q.page);
    res.render('notifications/inbox', { title: res.locals.t('notifications.inbox.title'), items: page.items, pager: pagerLinks('/inbox', {}, q.page, page.hasMore), done: q.done });
  });

  // POST /inbox/read-all — mark every notification of mine read
  router.post('/inbox/read-all', async (req, res) => {
    parseInput(formBody, req.body);
    await markAllRead(actorOf(req));
    res.redirect(303, '/inbox?done=read');
  });

  // POST /inbox/:id/open — mark one read and follow its link
  router.post('/inbox/:id/open', async (req, res) => {
    const { id } = parseParams(openParams, req.params);
    res.redirect(303, await openNotification(actorOf(req), id));
  });
  return router;
}

async function renderPrefs(req: Request, res: Response, status: number, state: { email: string; wanted: Set<string>; errors: Record<string, string>; saved: boolean }): Promise<void> {
  res.status(status).render('notifications/preferences', {
    title: res.locals.t('notifications.prefs.title'),
    kinds: NOTIFICATION_KINDS,
    ...state,
  });
}

function preferenceRoutes(): Router {
  const router = Router();
  router.use('/account/notifications', requireUser);

  // GET /account/notifications — my email address and which kinds come by email
  router.get('/account/notifications', async (req, res) => {
    const { saved } = parseInput(prefsQuery, req.query);
    const contact = await contactOf(req.user!._id);
    const choices = await emailChoices(req.user!._id);
    await renderPrefs(req, res, 200, { email: contact?.email ?? '', wanted: new Set(choices.filter((c) => c.byEmail).map((c) => c.kind)), errors: {}, saved: saved !== null });
  });

  // POST /account/notifications — save the address and the choices (a bad address: the form again, nothing lost)
  router.post('/account/notifications', async (req, res) => {
    const form = parseInput(prefsForm, req.body) as Record<string, string | undefined> & { email: string };
    const wanted = NOTIFICATION_KINDS.filter((k) => form[`email_${k}`] === 'on');
    try {
      await setOwnEmail(actorOf(req), form.email);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      await renderPrefs(req, res, 400, { email: form.email, wanted: new Set(wanted), errors: err.fields, saved: false });
      return;
    }
    await setEmailChoices(req.user!._id, wanted);
    res.redirect(303, '/account/notifications?saved=1');
  });
  return router;
}

function unsubscribeRoutes(config: Config): Router {
  const router = Router();

  // GET /unsubscribe — the link of an email: what it stops, and one button (signed out too)
  router.get('/unsubscribe', async (req, res) => {
    const { t } = parseInput(tokenQuery, req.query);
    const target = await unsubscribeTarget(config.sessionSecret, t);
    res.render('notifications/unsubscribe', { title: res.locals.t('notifications.unsubscribe.title'), token: t, kind: target.kind, done: !target.byEmail, signedIn: Boolean(req.user) });
  });

  // POST /unsubscribe — turn that kind's email off (the page's button, or a mail client's one-click POST: no CSRF token, the signed token instead)
  router.post('/unsubscribe', async (req, res) => {
    const token = parseInput(tokenBody, req.body).t ?? parseInput(tokenQuery, req.query).t;
    const done = await unsubscribe(config.sessionSecret, token);
    res.render('notifications/unsubscribe', { title: res.locals.t('notifications.unsubscribe.title'), token, kind: done.kind, done: true, signedIn: Boolean(req.user) });
  });
  return router;
}
