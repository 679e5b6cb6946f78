import { Router } from 'express';
import { z } from 'zod';
import { findUnitById, unitName } from '../org';
import { can } from '../shared/permissions';
import { actorOf, requireUser } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { rememberLanguage } from '../shared/i18n';
import type { Config } from '../config';
import { noticeField, parseInput } from '../shared/validate';
import { saveSession } from '../shared/session';
import { changePassword, setLocale } from './accounts.service';
import { PASSWORD_MAX, PASSWORD_MIN } from './password';

const passwordForm = z.object({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(1024),
  confirmPassword: z.string().max(1024),
});
const localeForm = z.object({ locale: z.enum(['vi', 'en']) });
/** `?saved=1` after a change: the page says it is saved. */
const profileQuery = z.object({ saved: noticeField('1') });

/** My account: the profile and language, and choosing a password, for signed-in people. */
export function accountRoutes(config: Config): Router {
  const router = Router();
  router.use('/account', requireUser);
  router.use(profileRoutes(config));
  router.use(passwordRoutes());
  return router;
}

/** The profile page and the language on it. */
function profileRoutes(config: Config): Router {
  const router = Router();

  // GET /account — my profile: name, unit, language, password
  router.get('/account', async (req, res) => {
    const { saved } = parseInput(profileQuery, req.query);
    const user = req.user!;
    const unit = await findUnitById(user.unit);
    res.render('accounts/profile', {
      title: res.locals.t('account.title'),
      person: user,
      unitLabel: unit ? `${unitName(unit, req.locale)} (${unit.code})` : '',
      saved: saved !== null,
    });
  });

  // POST /account/locale — remember my language on my account and in this browser
  router.post('/account/locale', async (req, res) => {
    const { locale } = parseInput(localeForm, req.body);
    await setLocale(actorOf(req), locale);
    rememberLanguage(res, locale, config.https);
    res.redirect(303, '/account?saved=1');
  });

  return router;
}

/** Choosing a new password (forced after a one-time password). */
function passwordRoutes(): Router {
  const router = Router();

  // GET /account/password — choose a new password (forced after a one-time password)
  router.get('/account/password', (req, res) => {
    res.render('accounts/password', {
      title: res.locals.t('password.title'),
      forced: req.user!.mustChangePassword,
      errors: {},
      min: PASSWORD_MIN,
      max: PASSWORD_MAX,
    });
  });

  // POST /account/password — check the current one, apply the rules, save
  router.post('/account/password', async (req, res) => {
    const input = parseInput(passwordForm, req.body);
    const firstPassword = req.user!.mustChangePassword;
    try {
      if (input.newPassword !== input.confirmPassword) throw new Invalid({ confirmPassword: 'password.mismatch' });
      const validFrom = await changePassword(actorOf(req), input.currentPassword, input.newPassword);
      req.session.signedInAt = validFrom.getTime(); // this session goes on; the person's others end
      await saveSession(req); // before the redirect, or the next page could still see the session as begun before the change
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      res.status(400).render('accounts/password', {
        title: res.locals.t('password.title'),
        forced: req.user!.mustChangePassword,
        errors: err.fields,
        min: PASSWORD_MIN,
        max: PASSWORD_MAX,
      });
      return;
    }
    // Someone who has just chosen their first password goes on to what they came for: a
    // learner to their courses, staff to the home page; a change later stays on My account.
    if (!firstPassword) res.redirect(303, '/account?saved=1');
    else res.redirect(303, can(req.user, 'learn') ? '/courses?password=set' : '/?password=set');
  });

  return router;
}
