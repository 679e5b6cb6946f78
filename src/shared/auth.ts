/**
 * Who is signed in, and guards on routes. The session holds only the user id; the
 * person is read on every request, so a disabled account stops working at once.
 */
import type { Request, RequestHandler } from 'express';
import type { Actor } from './actor';
import { Forbidden } from './errors';
import { safeLocalPath } from './page-locals';

export function actorOf(req: Request): Actor {
  const user = req.user;
  if (!user) throw new Forbidden();
  return { id: user._id, username: user.username, role: user.role, unitId: user.unit, ip: req.ip };
}

/** Signed-out visitors go to the sign-in page and come back afterwards. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) {
    next();
    return;
  }
  const back = req.method === 'GET' ? safeLocalPath(req.originalUrl) : '/';
  res.redirect(303, back === '/' ? '/login' : `/login?next=${encodeURIComponent(back)}`);
};

/* Guards by ability (403 when not allowed) are in permissions.ts: requireAbility. */

const OPEN_WHILE_CHANGING = new Set(['/account/password', '/logout', '/lang']);

/** A person signed in with a one-time password must choose their own before anything else. */
export const requirePasswordChosen: RequestHandler = (req, res, next) => {
  if (req.user?.mustChangePassword && !OPEN_WHILE_CHANGING.has(req.path)) {
    res.redirect(303, '/account/password');
    return;
  }
  next();
};
