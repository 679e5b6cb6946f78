/**
 * Sessions in the database (connect-mongo), shared by every app process. Only the user id
 * is kept (by passport), plus when the person signed in and the CSRF token.
 * Idle timeout: the cookie and the stored session expire 2 h after the last request.
 * Absolute timeout: 7 days after sign-in, whatever the activity.
 */
import MongoStore from 'connect-mongo';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import mongoose from 'mongoose';
import type { Config } from '../config';

export const IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'tss.sid';
export const SESSIONS_COLLECTION = 'sessions';

declare module 'express-session' {
  interface SessionData {
    signedInAt?: number;
  }
}

export function sessionMiddleware(config: Config) {
  const store = MongoStore.create({
    client: mongoose.connection.getClient() as never,
    dbName: mongoose.connection.db?.databaseName,
    collectionName: SESSIONS_COLLECTION,
    stringify: false,
    // The embedded store lacks TTL indexes and w:0 writes: expired sessions are
    // deleted by our own job (src/shared/maintenance.ts).
    autoRemove: 'disabled',
    ttl: IDLE_TIMEOUT_MS / 1000,
    touchAfter: 60,
  });
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // secure cookies behind a proxy follow Express's `trust proxy` (TRUST_PROXY), not any client's X-Forwarded-Proto
    proxy: undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.https,
      maxAge: IDLE_TIMEOUT_MS,
    },
  });
}

/**
 * Saves the session now. express-session saves a changed session only as the response ends,
 * after it has sent the headers: a browser follows a redirect on its headers, so the next
 * request could read the session as it was. A route that changes what the next request
 * checks (when the person signed in) saves first, then redirects.
 */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err: unknown) => (err ? reject(err as Error) : resolve())));
}

/** Ends a signed-in session older than the absolute timeout, or begun before the person's password last changed. */
export function absoluteTimeout() {
  return (req: Request, res: Response, next: NextFunction) => {
    const signedInAt = req.session?.signedInAt;
    // A password changed or reset since this session began ends it (every other device of the person).
    const validFrom = (req.user as { sessionsValidFrom?: Date | null } | undefined)?.sessionsValidFrom;
    const superseded = Boolean(req.user && validFrom && (signedInAt ?? 0) < new Date(validFrom).getTime());
    if (req.user && ((signedInAt && Date.now() - signedInAt > ABSOLUTE_TIMEOUT_MS) || superseded)) {
      req.session.destroy(() => {
        res.clearCookie(SESSION_COOKIE);
        res.redirect(303, '/login?expired=1');
      });
      return;
    }
    next();
  };
}

/** Deletes sessions whose idle time has run out (run on a timer; idempotent). */
export async function deleteExpiredSessions(now = new Date()): Promise<number> {
  const res = await mongoose.connection
    .db!.collection(SESSIONS_COLLECTION)
    .deleteMany({ expires: { $lt: now } });
  return res.deletedCount;
}
