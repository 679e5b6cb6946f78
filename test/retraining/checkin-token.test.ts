/**
 * The check-in token alone, with the clock given: valid in its minute and the next, expired
 * after, refused when forged, garbled, for another session or from a minute not yet begun.
 */
import { checkinKey, minuteOf, nextMinuteAt, signCheckinToken, verifyCheckinToken } from '../../src/retraining/checkin-token';

const key = checkinKey('a-test-session-secret-of-at-least-32-chars');
const SESSION = '65f0c0ffee0000000000abcd';
const OTHER = '65f0c0ffee0000000000dcba';
const at = (iso: string) => new Date(iso);

describe('check-in token', () => {
  const shownAt = at('2026-12-05T02:30:59.900Z'); // 09:30:59 in Vietnam, the last instant of its minute
  const token = signCheckinToken(key, SESSION, shownAt);

  it('when checked in the minute it was shown, should name its session', () => {
    expect(verifyCheckinToken(key, token, at('2026-12-05T02:30:00.000Z'))).toEqual({ ok: true, sessionId: SESSION });
  });

  it('when checked in the next minute (scanned at :59), should still be accepted up to its last millisecond', () => {
    expect(verifyCheckinToken(key, token, at('2026-12-05T02:31:00.000Z')).ok).toBe(true);
    expect(verifyCheckinToken(key, token, at('2026-12-05T02:31:59.999Z')).ok).toBe(true);
  });

  it('when checked two minutes on, should be expired', () => {
    expect(verifyCheckinToken(key, token, at('2026-12-05T02:32:00.000Z'))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCheckinToken(key, token, at('2026-12-06T02:30:00.000Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('when checked before its minute began, should be refused as not valid', () => {
    expect(verifyCheckinToken(key, token, at('2026-12-05T02:29:59.999Z'))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('when a new minute begins, should give a new token', () => {
    const next = signCheckinToken(key, SESSION, at('2026-12-05T02:31:00.000Z'));
    expect(next).not.toBe(token);
    expect(signCheckinToken(key, SESSION, at('2026-12-05T02:30:00.000Z'))).toBe(token);
    expect(nextMinuteAt(shownAt).toISOString()).toBe('2026-12-05T02:31:00.000Z');
    expect(minuteOf(at('2026-12-05T02:31:00.000Z'))).toBe(minuteOf(shownAt) + 1);
  });

  it('when the signature is changed in any letter, should be refused as not valid', () => {
    const [id, minute, sig] = token.split('.') as [string, string, string];
    for (let i = 0; i < sig.length; i++) {
      const letter = sig[i] === 'A' ? 'B' : 'A';
      const forged = `${id}.${minute}.${sig.slice(0, i)}${letter}${sig.slice(i + 1)}`;
      expect(verifyCheckinToken(key, forged, shownAt)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('when another session id or a later minute is pasted into a genuine token, should be refused as not valid', () => {
    const [, minute, sig] = token.split('.') as [string, string, string];
    expect(verifyCheckinToken(key, `${OTHER}.${minute}.${sig}`, shownAt)).toEqual({ ok: false, reason: 'invalid' });
    const later = (parseInt(minute, 36) + 1).toString(36);
    expect(verifyCheckinToken(key, `${SESSION}.${later}.${sig}`, at('2026-12-05T02:31:00.000Z'))).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyCheckinToken(key, `${SESSION}.0${minute}.${sig}`, shownAt)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('when signed with another secret, should be refused as not valid', () => {
    const other = signCheckinToken(checkinKey('another-secret-another-secret-another'), SESSION, shownAt);
    expect(verifyCheckinToken(key, other, shownAt)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('when garbled, should be refused as not valid', () => {
    for (const garbled of ['', 'x', token.slice(0, -1), `${token}x`, token.toUpperCase(), `${token}.x`, token.replace(/\./g, '-'), ' '.repeat(50)]) {
      expect(verifyCheckinToken(key, garbled, shownAt)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
