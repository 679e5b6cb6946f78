/**
 * CSRF: a synchronizer token kept in the session (csrf-sync), checked on every
 * state-changing request. Forms carry it in the `_csrf` field; multipart forms are
 * parsed (multer) before the check by their own routes.
 */
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  size: 32,
  getTokenFromRequest: (req) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === 'string') return fromBody;
    const fromHeader = req.headers['x-csrf-token'];
    return typeof fromHeader === 'string' ? fromHeader : undefined;
  },
});

export const csrfProtection = csrfSynchronisedProtection;

/** Makes `csrfToken` available to every view (creating it in the session when needed). */
export function csrfLocals() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateToken(req);
    next();
  };
}

/** A fresh token after sign-in (the session was regenerated). */
export function renewCsrfToken(req: Request): string {
  return generateToken(req, true);
}
