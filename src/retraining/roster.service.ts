/**
 * A session's roster: its invitees and who attended (walk-ins included), the ticks the trainer
 * saves (from the screen or from the paper sheet), walk-ins found in the trainer's scope, and
 * staff corrections of a closed session (with a reason, audited).
 */
import type { Types } from 'mongoose';
import { findPeople, namesOf, personById, type Person } from '../accounts';
import { recordAudit } from '../audit';
import { mapLimit } from '../db/bulk';
import { findUnitById } from '../org';
import type { Actor } from '../shared/actor';
import { Forbidden, Invalid, Refused } from '../shared/errors';
import { can } from '../shared/permissions';
import { recordAttendance, removeAttendance } from './attendance.service';
import { managedSession } from './scope';
import { RetrainingAttendance, RetrainingInvitee, type AttendanceVia, type RetrainingSessionDoc } from './session.model';

export interface RosterLine {
  person: Pick<Person, '_id' | 'username' | 'fullName' | 'phone'>;
  invited: boolean;
  attended: { via: AttendanceVia; at: Date } | null;
  /** Their recorded trainer, when it is not this session's trainer (kept, shown). */
  retrainedBy: { username: string; fullName: string } | null;
}

/** The roster of a session the actor manages: invitees and attendees, by name. */
export async function rosterOf(actor: Actor, id: string): Promise<{ session: RetrainingSessionDoc; lines: RosterLine[] }> {
  const session = await managedSession(actor, id);
  const [invitees, attendances] = await Promise.all([
    RetrainingInvitee.find({ session: session._id }).select('user').lean(),
    RetrainingAttendance.find({ session: session._id }).select('user via at').lean(),
  ]);
  const attendedBy = new Map(attendances.map((a) => [String(a.user), { via: a.via as AttendanceVia, at: a.at }]));
  const invited = new Set(invitees.map((i) => String(i.user)));
  const ids = [...new Set([...invited, ...attendedBy.keys()])];
  const people = (await mapLimit(ids, (pid) => personById(pid), 4)).filter((p): p is Person => p !== null);
  const trainerIds = [...new Set(people.map((p) => String(p.retrainedBy ?? '')).filter((t) => t && t !== String(session.trainer)))];
  const trainers = new Map((await mapLimit(trainerIds, async (t) => [t, await namesOf(t)] as const, 4)).filter(([, n]) => n));
  const lines = people.map((p) => ({
    person: { _id: p._id, username: p.username, fullName: p.fullName, phone: p.phone ?? null },
    invited: invited.has(String(p._id)),
    attended: attendedBy.get(String(p._id)) ?? null,
    retrainedBy: trainers.get(String(p.retrainedBy ?? '')) ?? null,
  }));
  lines.sort((a, b) => a.person.fullName.localeCompare(b.person.fullName, 'vi'));
  return { session, lines };
}

export interface Ticks {
  /** The people ticked now. */
  ticked: string[];
  /** The people shown ticked when the page was drawn (only those can be taken back: a check-in meanwhile stays). */
  shown: string[];
}

/** Applies a roster's ticks: new ticks are recorded (`roster` or `sheet`), ticks taken back removed. */
export async function saveTicks(actor: Actor, id: string, ticks: Ticks, via: 'roster' | 'sheet', now = new Date()): Promise<{ added: number; removed: number }> {
  const session = await managedSession(actor, id);
  const ticked = new Set(ticks.ticked);
  let added = 0;
  let removed = 0;
  for (const userId of ticked) if ((await recordAttendance(actor, session._id, userId, via, now)) === 'recorded') added++;
  for (const userId of new Set(ticks.shown)) if (!ticked.has(userId) && (await removeAttendance(actor, session._id, userId, via, now))) removed++;
  return { added, removed };
}

/** People of the actor's scope under the session's unit matching `q` (name, username or phone), to add as walk-ins. */
export async function walkInsMatching(actor: Actor, session: RetrainingSessionDoc, q: string): Promise<Pick<Person, '_id' | 'username' | 'fullName'>[]> {
  const text = q.trim();
  if (!text) return [];
  const unit = await findUnitById(session.unit);
  if (!unit) return [];
  const { people } = await findPeople(actor, { text, unit, page: 1 });
  return people.filter((p) => !p.disabled).map((p) => ({ _id: p._id, username: p.username, fullName: p.fullName }));
}

/** Staff correct a closed session's attendance, with a reason; audited with who was added and who removed. */
export async function correctAttendance(actor: Actor, id: string, ticks: Ticks, reason: string): Promise<{ added: number; removed: number }> {
  if (!can(actor, 'correctRetraining')) throw new Forbidden();
  const session = await managedSession(actor, id);
  if (session.status !== 'closed') throw new Refused('retraining.errors.notClosed');
  const why = reason.trim();
  if (why.length < 3 || why.length > 300) throw new Invalid({ reason: 'retraining.form.reasonRules' });
  const ticked = new Set(ticks.ticked);
  const added: string[] = [];
  const removed: string[] = [];
  for (const userId of ticked) if ((await recordAttendance(actor, session._id, userId, 'staff')) === 'recorded') added.push(userId);
  for (const userId of new Set(ticks.shown)) if (!ticked.has(userId) && (await removeAttendance(actor, session._id, userId, 'staff'))) removed.push(userId);
  if (added.length || removed.length) await auditCorrection(actor, session, added, removed, why);
  return { added: added.length, removed: removed.length };
}

async function auditCorrection(actor: Actor, session: RetrainingSessionDoc, added: string[], removed: string[], reason: string): Promise<void> {
  const names = async (ids: string[]) => (await mapLimit(ids, (i) => namesOf(i), 4)).map((n) => n?.username ?? '?').join(', ');
  await recordAudit({
    action: 'retraining.corrected',
    actor,
    lineage: session.lineage as Types.ObjectId[],
    ip: actor.ip,
    details: `${session.title} (${String(session._id)}) +[${await names(added)}] -[${await names(removed)}] ${reason}`,
  });
}
