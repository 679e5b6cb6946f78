/**
 * Attendance: the ONE way an attendance is written (the roster's ticks, the paper sheet's
 * entry, the check-in by QR code, a staff correction). One record per person and session
 * (unique key): twenty calls at once give one attendance, the others "already recorded".
 */
import type { Types } from 'mongoose';
import { personById, personInScope, setTrainerIfNone, type Person } from '../accounts';
import { insertOnce } from '../db/insert-once';
import { isObjectId, type Actor } from '../shared/actor';
import { Forbidden, NotFound } from '../shared/errors';
import { can } from '../shared/permissions';
import { attendanceChanged } from './events';
import { CheckInNotOpen, SessionCancelled, SessionClosed, TooEarly } from './errors';
import { managesSession, OPEN_BEFORE_MS, sessionById } from './scope';
import { RetrainingAttendance, RetrainingInvitee, RetrainingSession, type AttendanceVia, type RetrainingSessionDoc } from './session.model';

/** What a call did: wrote the attendance, or found it there already. */
export type AttendanceOutcome = 'recorded' | 'already';

/**
 * Records that `userId` attended `sessionId`.
 * - `roster` / `sheet`: the actor manages the session; the attendee is in the actor's scope or
 *   invited; the session is scheduled or open and starts within the hour (or has started).
 * - `qr`: the caller has checked the person and the code; the session must be open.
 * - `staff`: only through `correctAttendance` (closed sessions included).
 * A cancelled session refuses (SessionCancelled), a closed one too (SessionClosed) except for staff.
 * The first record applies the lineage rule (no trainer yet → the session's trainer), counts again,
 * and emits `attendanceChanged`.
 */
export async function recordAttendance(actor: Actor, sessionId: Types.ObjectId | string, userId: Types.ObjectId | string, via: AttendanceVia, now = new Date()): Promise<AttendanceOutcome> {
  const session = await sessionById(sessionId);
  if (!session) throw new NotFound();
  if (via !== 'qr' && !managesSession(actor, session)) throw new NotFound();
  if (via === 'staff' && !can(actor, 'correctRetraining')) throw new Forbidden();
  checkStatus(session, via, now);
  const person = await attendee(actor, session, String(userId), via);
  const inserted = await insertOnce(RetrainingAttendance, {
    session: session._id,
    user: person._id,
    lineage: person.lineage,
    unit: person.unit,
    via,
    at: now,
    recordedBy: actor.id,
  });
  if (!inserted) return 'already';
  await recountAttendance(session._id);
  await setTrainerIfNone(person._id, session.trainer);
  await attendanceChanged.emit({ sessionId: session._id, userIds: [person._id], unitLineage: person.lineage as Types.ObjectId[], sessionLineage: session.lineage as Types.ObjectId[] });
  return 'recorded';
}

/**
 * Removes a person's attendance (a tick taken back before closing, or a staff correction).
 * Returns whether there was one. Same status rules as recording.
 */
export async function removeAttendance(actor: Actor, sessionId: Types.ObjectId | string, userId: Types.ObjectId | string, via: 'roster' | 'sheet' | 'staff', now = new Date()): Promise<boolean> {
  const session = await sessionById(sessionId);
  if (!session || !managesSession(actor, session) || !isObjectId(String(userId))) throw new NotFound();
  checkStatus(session, via, now);
  const gone = await RetrainingAttendance.findOne({ session: session._id, user: String(userId) }).select('user lineage').lean<{ _id: Types.ObjectId; lineage: Types.ObjectId[]; user: Types.ObjectId }>();
  if (!gone || (await RetrainingAttendance.deleteOne({ _id: gone._id })).deletedCount === 0) return false;
  await recountAttendance(session._id);
  await attendanceChanged.emit({ sessionId: session._id, userIds: [gone.user], unitLineage: gone.lineage, sessionLineage: session.lineage as Types.ObjectId[] });
  return true;
}

/**
 * The session's `attendedCount`, counted from its records (counters are derived, never incremented:
 * docs/STORE-NOTES.md). Two writes at once may leave it a moment behind; closing counts it again
 * for good, and open sessions' pages count their records.
 */
export async function recountAttendance(sessionId: Types.ObjectId): Promise<number> {
  const n = await RetrainingAttendance.countDocuments({ session: sessionId });
  await RetrainingSession.updateOne({ _id: sessionId }, { $set: { attendedCount: n } });
  return n;
}

function checkStatus(session: RetrainingSessionDoc, via: AttendanceVia, now: Date): void {
  if (session.status === 'cancelled') throw new SessionCancelled();
  if (via === 'staff') return;
  if (session.status === 'closed') throw new SessionClosed();
  if (via === 'qr' && session.status !== 'open') throw new CheckInNotOpen();
  if (now.getTime() < session.startsAt.getTime() - OPEN_BEFORE_MS) throw new TooEarly();
}

/** The attendee: an account in use; for the trainer's entries, in their scope or invited. */
async function attendee(actor: Actor, session: RetrainingSessionDoc, userId: string, via: AttendanceVia): Promise<Person> {
  if (!isObjectId(userId)) throw new NotFound();
  const person = await personById(userId);
  if (!person || person.disabled) throw new NotFound();
  if (via === 'qr') return person;
  const invited = await RetrainingInvitee.exists({ session: session._id, user: person._id });
  if (invited) return person;
  await personInScope(actor, userId); // NotFound outside the actor's scope
  return person;
}
