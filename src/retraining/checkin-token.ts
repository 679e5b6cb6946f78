/**
 * The check-in code's token: it names a session and a one-minute window, and is signed
 * (HMAC-SHA256 with a key derived from the session secret), so that a code cannot be made
 * for another session or another minute, and a photo of the screen stops working within two
 * minutes. A token is valid during its own minute and the minute after it (a code scanned
 * at :59 and posted at :01 still works); the screen shows a new one every minute.
 *
 * Form: `<session id, 24 hex>.<minute, base 36>.<signature, base64url>` — short, so the QR
 * code stays coarse and easy to scan from a phone.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const MINUTE_MS = 60_000;
/** 128 bits of the HMAC: far beyond guessing, and a shorter URL in the QR code. */
const SIGNATURE_BYTES = 16;
const TOKEN_RE = /^([a-f0-9]{24})\.([1-9a-z][0-9a-z]{0,9})\.([A-Za-z0-9_-]{22})$/;

export type TokenCheck = { ok: true; sessionId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** The signing key: derived from the session secret, so it is never the secret itself. */
export function checkinKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'tiep-suc-so', 'retraining check-in token v1', 32));
}

/** The minute `now` falls in, counted from the epoch. */
export function minuteOf(now: Date): number {
  return Math.floor(now.getTime() / MINUTE_MS);
}

/** When the next minute starts (the code page refreshes then). */
export function nextMinuteAt(now: Date): Date {
  return new Date((minuteOf(now) + 1) * MINUTE_MS);
}

function signature(key: Buffer, sessionId: string, minute: number): Buffer {
  return createHmac('sha256', key).update(`checkin|${sessionId}|${minute}`).digest().subarray(0, SIGNATURE_BYTES);
}

/** The token of a session for the minute `now` falls in. */
export function signCheckinToken(key: Buffer, sessionId: string, now: Date): string {
  const minute = minuteOf(now);
  return `${sessionId.toLowerCase()}.${minute.toString(36)}.${signature(key, sessionId.toLowerCase(), minute).toString('base64url')}`;
}

/**
 * Whether a token is genuine (its signature) and current (made this minute or the one
 * before). A token whose signature does not match — forged, garbled, another session's
 * id pasted in — is 'invalid'; a genuine one from an older minute is 'expired'; one from a
 * minute that has not begun is 'invalid' (no screen can have shown it).
 */
export function verifyCheckinToken(key: Buffer, token: string, now: Date): TokenCheck {
  const m = TOKEN_RE.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const [, sessionId, minuteText, sig] = m as unknown as [string, string, string, string];
  const minute = parseInt(minuteText, 36);
  // compared as text: base64url leaves spare bits in its last letter, so two spellings decode alike
  const given = Buffer.from(sig, 'ascii');
  const expected = Buffer.from(signature(key, sessionId, minute).toString('base64url'), 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const current = minuteOf(now);
  if (minute > current) return { ok: false, reason: 'invalid' };
  if (minute < current - 1) return { ok: false, reason: 'expired' };
  return { ok: true, sessionId };
}
