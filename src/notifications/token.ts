/**
 * The signed token of an unsubscribe link: it names a person and a kind of message, so that
 * the link works signed out (and for a mail client's one-click POST, which carries no CSRF
 * token) and cannot be made for anyone else without the server's secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { NOTIFICATION_KINDS, type NotificationKind } from './notification.model';

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', `unsubscribe:${secret}`).update(payload).digest().subarray(0, 18);
}

/** `<user id>.<kind>.<signature>` (URL-safe). */
export function unsubscribeToken(secret: string, userId: Types.ObjectId | string, kind: NotificationKind): string {
  const payload = `${String(userId)}.${kind}`;
  return `${payload}.${signature(secret, payload).toString('base64url')}`;
}

/** The person and kind a token names, or null when it is malformed or not signed by this server. */
export function readUnsubscribeToken(secret: string, token: string): { userId: Types.ObjectId; kind: NotificationKind } | null {
  const m = /^([a-f0-9]{24})\.([A-Za-z]{1,40})\.([A-Za-z0-9_-]{24})$/.exec(token);
  if (!m) return null;
  const [, id, kind, sig] = m as unknown as [string, string, string, string];
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) return null;
  const expected = signature(secret, `${id}.${kind}`);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { userId: new Types.ObjectId(id), kind: kind as NotificationKind };
}
