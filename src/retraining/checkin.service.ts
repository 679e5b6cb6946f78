/**
 * Check-in by QR code, and the printable sign-in sheet: what the trainer's screen shows
 * (a signed token of this minute, as an absolute link), what an attendee's check-in checks
 * before the one way attendance is written (`recordAttendance`, via 'qr'), and who is on
 * the paper sheet. Services take (actor, input) and know nothing of HTTP.
 *
 * Who may check in: a signed-in person (volunteer or trainer) of the session's province —
 * their unit's province (depth 2 of their lineage) equals the session's. A session of the
 * centre (no province) is national: anyone of any province may check in to it.
 */
import type { Types } from 'mongoose';
import { namesOf, personById, placesOf } from '../accounts';
import type { Locale } from '../config';
import { findUnitById, unitName, unitsByIds } from '../org';
import type { Actor } from '../shared/actor';
import { NotFound, Refused } from '../shared/errors';
import { recordAttendance } from './attendance.service';
import { nextMinuteAt, signCheckinToken, verifyCheckinToken } from './checkin-token';
import { managedSession, sessionById } from './scope';
import { RetrainingAttendance, RetrainingInvitee, type RetrainingSessionDoc, type SessionStatus } from './session.model';
import type { SheetPerson, SheetSession } from './sign-in-sheet';


/** Depth of a province in the tree (central → province): its place in a lineage. */
const PROVINCE_INDEX = 1;
/** How long a shown code is good for: the rest of its minute and the whole next one. */
const MINUTE_MS = 60_000;

/** What a check-in refusal is called in the locale files, and its status. */
export type CheckinRefusal = 'invalid' | 'expired' | 'closed' | 'cancelled' | 'notOpen' | 'province';
const REFUSAL_STATUS: Record<CheckinRefusal, number> = { invalid: 400, expired: 410, closed: 409, cancelled: 409, notOpen: 409, province: 403 };

function refuse(reason: CheckinRefusal, params: Record<string, string | number> = {}): never {
  throw new Refused(`retrainingCheckin.refused.${reason}`, params, REFUSAL_STATUS[reason]);
}

/** Where the session is held, in the reader's words. */
export function placeText(s: { placeKind?: string | null; place?: string | null }, t: (k: string) => string): string {
  const kind = s.placeKind ? t(`retraining.placeKinds.${s.placeKind}`) : '';
  return [kind, s.place ?? ''].filter(Boolean).join(': ');
}

export interface CheckinCode {
  session: { id: string; title: string; status: SessionStatus; attendedCount: number; invitedCount: number };
  /** Set while the session is open: the link the QR code holds, and until when it works. */
  code: { url: string; validUntil: Date; nextAt: Date } | null;
}

/** The check-in code of this minute for the session's trainer (or staff above it); none unless the session is open. */
export async function checkinCodeFor(actor: Actor, input: { sessionId: string; key: Buffer; baseUrl: string; now: Date }): Promise<CheckinCode> {
  const s = await managedSession(actor, input.sessionId);
  const session = { id: String(s._id), title: s.title, status: s.status, attendedCount: s.attendedCount ?? 0, invitedCount: s.invitedCount ?? 0 };
  if (s.status !== 'open') return { session, code: null };
  const token = signCheckinToken(input.key, String(s._id), input.now);
  const nextAt = nextMinuteAt(input.now);
  return { session, code: { url: `${input.baseUrl}/retraining/checkin?t=${token}`, validUntil: new Date(nextAt.getTime() + MINUTE_MS), nextAt } };
}

export interface CheckinView {
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  placeKind: string | null;
  place: string;
  trainerName: string;
}

/**
 * Everything a check-in checks, in order: the token (signature, then its minute), the
 * session (exists, open), the attendee's province. Refuses with the reason; writes nothing.
 */
async function checkable(actor: Actor, input: { token: string; key: Buffer; now: Date; locale: Locale }): Promise<RetrainingSessionDoc> {
  const check = verifyCheckinToken(input.key, input.token, input.now);
  if (!check.ok) refuse(check.reason);
  const s = await sessionById(check.sessionId);
  if (!s) refuse('invalid'); // a genuine token of a session since deleted
  if (s.status === 'cancelled') refuse('cancelled');
  if (s.status === 'closed') refuse('closed');
  if (s.status !== 'open') refuse('notOpen');
  if (s.province) {
    const places = await placesOf(actor.id);
    const mine = places?.lineage[PROVINCE_INDEX];
    if (!mine || String(mine) !== String(s.province)) {
      const province = await findUnitById(s.province);
      refuse('province', { province: province ? unitName(province, input.locale) : '' });
    }
  }
  return s;
}

/** What the attendee sees before pressing "I am here" (the same checks as the check-in itself). */
export async function checkinPreview(actor: Actor, input: { token: string; key: Buffer; now: Date; locale: Locale }): Promise<CheckinView> {
  const s = await checkable(actor, input);
  const trainer = await namesOf(s.trainer);
  return {
    sessionId: String(s._id),
    title: s.title,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    placeKind: s.placeKind ?? null,
    place: s.place ?? '',
    trainerName: trainer ? `${trainer.fullName} (${trainer.username})` : (s.trainerUsername ?? ''),
  };
}

/**
 * Checks the actor in to the session the token names: one attendance, whatever the number
 * of presses (the unique key of session and person decides). `already`: another press had
 * recorded it first.
 */
export async function checkIn(actor: Actor, input: { token: string; key: Buffer; now: Date; locale: Locale }): Promise<{ sessionId: string; already: boolean }> {
  const s = await checkable(actor, input);
  const outcome = await recordAttendance(actor, s._id, actor.id, 'qr', input.now);
  return { sessionId: String(s._id), already: outcome === 'already' };
}

/** The actor's own attendance of a session (the page after checking in); 404 when there is none. */
export async function ownAttendance(actor: Actor, sessionId: string): Promise<{ title: string; at: Date }> {
  const a = await RetrainingAttendance.findOne({ session: sessionId, user: actor.id }).select('at').lean();
  const s = a ? await sessionById(sessionId) : null;
  if (!a || !s) throw new NotFound();
  return { title: s.title, at: a.at };
}

/** The sign-in sheet's contents: the session and its invitees (the reader's language for units). */
export async function signInSheetOf(actor: Actor, input: { sessionId: string; locale: Locale; t: (k: string) => string }): Promise<{ session: SheetSession; people: SheetPerson[]; lineage: Types.ObjectId[] }> {
  const s = await managedSession(actor, input.sessionId);
  const [unit, trainer, invitees] = await Promise.all([findUnitById(s.unit), namesOf(s.trainer), RetrainingInvitee.find({ session: s._id }).select('user').lean()]);
  if (!unit) throw new NotFound();
  const found = await Promise.all(invitees.map((i) => personById(i.user)));
  const persons = found.filter((p) => p !== null);
  const units = await unitsByIds(persons.map((p) => p.unit));
  const people = persons.map((p) => {
    const u = units.get(String(p.unit));
    return { fullName: p.fullName, username: p.username, unitName: u ? unitName(u, input.locale) : '' };
  });
  const session: SheetSession = {
    title: s.title,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    placeText: placeText(s, input.t),
    trainerName: trainer?.fullName ?? s.trainerUsername ?? '',
    trainerUsername: trainer?.username ?? s.trainerUsername ?? '',
    unit: { nameVi: unit.nameVi, nameEn: unit.nameEn },
  };
  return { session, people, lineage: unit.lineage };
}
