import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../audit';
import type { LoginThrottle } from '../shared/rate-limit';
import { renewCsrfToken } from '../shared/csrf';
import { safeLocalPath } from '../shared/page-locals';
import { saveSession, SESSION_COOKIE } from '../shared/session';
import { parseInput } from '../shared/validate';
import { authenticate } from './accounts.service';

const loginForm = z.object({
  username: z.string().max(64),
  password: z.string().max(1024),
  next: z.string().max(2000).optional(),
});
/**
 * `?next=` (where to go after signing in: only a same-site path is followed, anything else is
 * home) and `?expired=` (the session ended: the form says so). Neither is ever an error.
 */
const loginQuery = z.object({
  next: z.unknown().optional().transform((v) => (typeof v === 'string' && v.length <= 2000 ? v : undefined)),
  expired: z.unknown().optional().transform(Boolean),
});

function renderLogin(res: Response, status: number, locals: { username?: string; next?: string; errorKey?: string; infoKey?: string }) {
  res.status(status).render('accounts/login', {
    title: res.locals.t('auth.signInTitle'),
    username: locals.username ?? '',
    next: safeLocalPath(locals.next, ''),
    errorKey: locals.errorKey ?? null,
    infoKey: locals.infoKey ?? null,
  });
}

export function authRoutes(throttle: LoginThrottle): Router {
  const router = Router();

  // GET /login — the sign-in form
  router.get('/login', (req, res) => {
    const q = parseInput(loginQuery, req.query);
    if (req.user) {
      res.redirect(303, safeLocalPath(q.next));
      return;
    }
    renderLogin(res, 200, { next: q.next, infoKey: q.expired ? 'auth.expired' : undefined });
  });

  // POST /login — check the password, throttled per username+IP and per IP
  router.post('/login', signIn(throttle));

  // POST /logout — end the session in the store
  router.post('/logout', async (req, res) => {
    const user = req.user;
    await new Promise<void>((resolve, reject) => req.logout((err) => (err ? reject(err as Error) : resolve())));
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE);
    if (user) await recordAudit({ action: 'logout', actor: { id: user._id, username: user.username }, lineage: user.lineage, ip: req.ip });
    res.redirect(303, '/');
  });

  return router;
}

/** Signs a person in: the form checked, the attempt throttled and audited, a fresh session. */
function signIn(throttle: LoginThrottle) {
  return async (req: Request, res: Response): Promise<void> => {
    const input = parseInput(loginForm, req.body);
    const ip = req.ip ?? 'unknown';
    if (!input.username.trim() || !input.password) {
      renderLogin(res, 400, { username: input.username, next: input.next, errorKey: 'auth.missing' });
      return;
    }
    // the attempt is counted before the password is checked: parallel guesses cannot slip past the limit
    const wait = await throttle.consume(input.username, ip);
    if (wait > 0) {
      req.log.warn({ username: input.username }, 'sign-in throttled');
      await recordAudit({ action: 'login.limited', ip, userAgent: req.get('user-agent'), details: `username=${input.username.slice(0, 64)}` });
      res.set('Retry-After', String(wait));
      renderLogin(res, 429, { username: input.username, next: input.next, errorKey: 'auth.throttled' });
      return;
    }
    const checkedFrom = Date.now(); // the session counts from before the password was checked
    const result = await authenticate(input.username, input.password);
    if (!result.ok) {
      await throttle.recordFailure(ip);
      req.log.warn({ username: input.username, reason: result.reason }, 'sign-in failed');
      await recordAudit({
        action: 'login.failed',
        target: result.user ? { id: result.user._id, username: result.user.username } : null,
        lineage: result.user?.lineage ?? [],
        ip,
        userAgent: req.get('user-agent'),
        details: result.user ? `reason=${result.reason}` : `unknown username=${input.username.slice(0, 64)}`,
      });
      renderLogin(res, 401, { username: input.username, next: input.next, errorKey: 'auth.failed' });
      return;
    }
    const user = result.user;
    await throttle.recordSuccess(input.username, ip);
    // passport regenerates the session (no fixation); the CSRF token is issued after that.
    await new Promise<void>((resolve, reject) => req.login(user as Express.User, (err) => (err ? reject(err as Error) : resolve())));
    req.session.signedInAt = checkedFrom;
    renewCsrfToken(req);
    req.log.info({ username: user.username }, 'signed in');
    await recordAudit({ action: 'login', actor: { id: user._id, username: user.username }, lineage: user.lineage, ip, userAgent: req.get('user-agent') });
    await saveSession(req); // before the redirect: the next page checks when this session began
    res.redirect(303, user.mustChangePassword ? '/account/password' : safeLocalPath(input.next));
  };
}
