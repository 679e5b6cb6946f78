/**
 * Passport's session plumbing: the session keeps the user id, and the person is read again on
 * every request (so a disabled account stops working at once). Only the app loads this: the
 * guards (auth.ts, permissions.ts) and the services asking `can` do not need passport.
 */
import passport from 'passport';

/** Wires passport to a loader of active users (accounts provides it). */
export function configurePassport(loadActiveUser: (id: string) => Promise<Express.User | null>): void {
  passport.serializeUser((user, done) => done(null, String(user._id)));
  passport.deserializeUser((id: string, done) => {
    loadActiveUser(id).then(
      (user) => done(null, user ?? false),
      (err: unknown) => done(err),
    );
  });
}
