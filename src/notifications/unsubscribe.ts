/**
 * One-click unsubscribe: the signed token of an email's link names a person and a kind; using
 * it turns that kind's email off for that person (signed in or not). Bad or forged: Invalid.
 */
import { Invalid } from '../shared/errors';
import type { NotificationKind } from './notification.model';
import { setEmailWanted, wantsEmail } from './preferences';
import { readUnsubscribeToken } from './token';

export interface Unsubscription {
  kind: NotificationKind;
  /** Whether that kind still comes by email (before the POST: the confirm page). */
  byEmail: boolean;
}

function tokenOrInvalid(secret: string, token: string) {
  const read = readUnsubscribeToken(secret, token);
  if (!read) throw new Invalid({}, 'notifications.unsubscribe.badLink');
  return read;
}

/** What the link is about (the confirm page). */
export async function unsubscribeTarget(secret: string, token: string): Promise<Unsubscription> {
  const { userId, kind } = tokenOrInvalid(secret, token);
  return { kind, byEmail: await wantsEmail(userId, kind) };
}

/** Turns the kind's email off for the person the token names (again: no change). */
export async function unsubscribe(secret: string, token: string): Promise<Unsubscription> {
  const { userId, kind } = tokenOrInvalid(secret, token);
  await setEmailWanted(userId, kind, false);
  return { kind, byEmail: false };
}
