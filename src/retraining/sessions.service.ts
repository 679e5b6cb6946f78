/**
 * Retraining sessions: scheduled by a trainer (or staff) for a unit of their scope, edited
 * until they start, cancelled with a reason, opened for check-in, closed. Every function
 * keeps to the scope (scope.ts): another's session is a 404.
 */
import type { Types } from 'mongoose';
import { unitNamed, type UnitDoc } from '../org';
import type { Actor } from '../shared/actor';
import { Forbidden, Invalid, Refused } from '../shared/errors';
import { can } from '../shared/permissions';
import { setTrainerIfNone } from '../accounts';
import { recountAttendance } from './attendance.service';
import { peopleInvited, saveInvitees } from './invitees';
import { managedSession, OPEN_BEFORE_MS } from './scope';
import { PLACE_KINDS, RetrainingAttendance, RetrainingSession, type PlaceKind, type RetrainingSessionDoc } from './session.model';

/** The session form as typed (date and times in Vietnam time). */
export interface SessionInput {
  title: string;
  date: string;
  startTime: string;
  endTime: string;
  placeKind: string;
  place: string;
  unitCode: string;
  topics: string[];
  cohorts: string[];
  /** Invite the people of the session's unit (a team or a commune). */
  inviteUnit: boolean;
}

interface Checked {
  title: string;
  startsAt: Date;
  endsAt: Date;
  placeKind: PlaceKind;
  place: string;
  unit: UnitDoc;
  topics: string[];
  cohorts: string[];
  inviteUnit: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A date and a time typed in Vietnam time, or null. */
export function vietnamTime(date: string, time: string): Date | null {
  if (!DAY.test(date) || !TIME.test(time)) return null;
  const d = new Date(`${date}T${time}:00+07:00`);
  return Number.isNaN(d.getTime()) || !sameDay(date, d) ? null : d; // 31/02 is no day
}

function sameDay(date: string, d: Date): boolean {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10) === date;
}

/** Checks the form; throws Invalid with each field's message key. */
async function checkInput(actor: Actor, input: SessionInput, topicIds: readonly string[], now: Date): Promise<Checked> {
  const fields: Record<string, string> = {};
  const title = input.title.trim();
  if (!title || title.length > 120) fields.title = 'retraining.form.titleRules';
  const startsAt = vietnamTime(input.date, input.startTime);
  const endsAt = vietnamTime(input.date, input.endTime);
  if (!startsAt) fields.date = 'retraining.form.dateRules';
  else if (startsAt.getTime() <= now.getTime()) fields.date = 'retraining.form.pastRules';
  if (!endsAt || !startsAt || endsAt.getTime() <= startsAt.getTime()) fields.endTime = 'retraining.form.timeRules';
  const placeKind = (PLACE_KINDS as readonly string[]).includes(input.placeKind) ? (input.placeKind as PlaceKind) : null;
  if (!placeKind) fields.placeKind = 'retraining.form.placeKindRules';
  const place = input.place.trim();
  if (!place || place.length > 300) fields.place = 'retraining.form.placeRules';
  const topics = [...new Set(input.topics)].filter((t) => topicIds.includes(t));
  if (topics.length === 0) fields.topics = 'retraining.form.topicsRules';
  const { unit, problem } = await unitNamed(actor, input.unitCode);
  if (problem) fields.unitCode = problem;
  const cohorts = [...new Set(input.cohorts)];
  if (cohorts.length === 0 && !input.inviteUnit) fields.invite = 'retraining.form.inviteRules';
  else if (input.inviteUnit && unit && unit.level !== 'team' && unit.level !== 'commune') fields.invite = 'retraining.form.inviteUnitRules';
  if (Object.keys(fields).length > 0 || !unit || !startsAt || !endsAt || !placeKind) throw new Invalid(fields);
  return { title, startsAt, endsAt, placeKind, place, unit, topics, cohorts, inviteUnit: input.inviteUnit };
}

function requireManager(actor: Actor): void {
  if (!can(actor, 'manageRetraining')) throw new Forbidden();
}

function fieldsOf(c: Checked) {
  return {
    title: c.title,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    placeKind: c.placeKind,
    place: c.place,
    unit: c.unit._id,
    lineage: c.unit.lineage,
    province: c.unit.lineage.length >= 2 ? c.unit.lineage[1]! : null,
    topics: c.topics,
    invitedCohorts: c.cohorts,
    invitedUnits: c.inviteUnit ? [c.unit._id] : [],
  };
}

/** Schedules a session; its invitees are resolved at once. */
export async function createSession(actor: Actor, input: SessionInput, topicIds: readonly string[], now = new Date()): Promise<RetrainingSessionDoc> {
  requireManager(actor);
  const checked = await checkInput(actor, input, topicIds, now);
  const invited = await peopleInvited(actor, checked.cohorts, checked.inviteUnit ? [checked.unit._id] : []);
  const created = await RetrainingSession.create({ ...fieldsOf(checked), trainer: actor.id, trainerUsername: actor.username });
  await saveInvitees(created._id, invited);
  return (await RetrainingSession.findById(created._id).lean<RetrainingSessionDoc>())!;
}

/** Whether the session may still be edited: scheduled, and not started. */
export function editable(session: Pick<RetrainingSessionDoc, 'status' | 'startsAt'>, now = new Date()): boolean {
  return session.status === 'scheduled' && now.getTime() < session.startsAt.getTime();
}

/** Changes a session until it starts; invitees are resolved again. */
export async function updateSession(actor: Actor, id: string, input: SessionInput, topicIds: readonly string[], now = new Date()): Promise<RetrainingSessionDoc> {
  const session = await managedSession(actor, id);
  if (!editable(session, now)) throw new Refused('retraining.errors.notEditable');
  const checked = await checkInput(actor, input, topicIds, now);
  const invited = await peopleInvited(actor, checked.cohorts, checked.inviteUnit ? [checked.unit._id] : []);
  await RetrainingSession.updateOne({ _id: session._id }, { $set: fieldsOf(checked) });
  await saveInvitees(session._id, invited);
  return (await RetrainingSession.findById(session._id).lean<RetrainingSessionDoc>())!;
}

/** Cancels a session with a reason (invitees see it): before it ends, while nobody's attendance is recorded. */
export async function cancelSession(actor: Actor, id: string, reason: string, now = new Date()): Promise<void> {
  const session = await managedSession(actor, id);
  const why = reason.trim();
  if (why.length < 3 || why.length > 300) throw new Invalid({ reason: 'retraining.form.reasonRules' });
  if (session.status === 'cancelled') return;
  if (session.status === 'closed' || now.getTime() >= session.endsAt.getTime()) throw new Refused('retraining.errors.notCancellable');
  if (await RetrainingAttendance.exists({ session: session._id })) throw new Refused('retraining.errors.hasAttendance');
  await RetrainingSession.updateOne({ _id: session._id }, { $set: { status: 'cancelled', cancelReason: why, cancelledAt: now } });
}

/** Opens check-in on attendees' own phones: from 60 minutes before the start, until closed. */
export async function openCheckIn(actor: Actor, id: string, now = new Date()): Promise<void> {
  const session = await managedSession(actor, id);
  if (session.status === 'open') return;
  if (session.status !== 'scheduled') throw new Refused(session.status === 'cancelled' ? 'retraining.errors.cancelled' : 'retraining.errors.closed');
  if (now.getTime() < session.startsAt.getTime() - OPEN_BEFORE_MS) throw new Refused('retraining.errors.tooEarly');
  await RetrainingSession.updateOne({ _id: session._id }, { $set: { status: 'open', openedAt: now } });
}

/**
 * Closes a session: no more ticks or check-ins (staff correct it afterwards). Counts its
 * attendance for good and applies the lineage rule again (a write cut short is finished here).
 */
export async function closeSession(actor: Actor, id: string, now = new Date()): Promise<void> {
  const session = await managedSession(actor, id);
  if (session.status === 'closed') return;
  if (session.status === 'cancelled') throw new Refused('retraining.errors.cancelled');
  if (now.getTime() < session.startsAt.getTime() - OPEN_BEFORE_MS) throw new Refused('retraining.errors.tooEarly');
  await RetrainingSession.updateOne({ _id: session._id }, { $set: { status: 'closed', closedAt: now, closedBy: actor.id } });
  const attended = await RetrainingAttendance.find({ session: session._id }).select('user').lean();
  for (const a of attended) await setTrainerIfNone(a.user, session.trainer as Types.ObjectId);
  await recountAttendance(session._id);
}

/** Sessions the actor manages, newest first: a trainer's own; staff those of their subtree (at most `limit`). */
export async function listSessions(actor: Actor, limit = 200): Promise<RetrainingSessionDoc[]> {
  requireManager(actor);
  const filter = actor.role === 'trainer' ? { trainer: actor.id } : { lineage: actor.unitId };
  return RetrainingSession.find(filter).sort({ startsAt: -1 }).limit(limit).lean<RetrainingSessionDoc[]>();
}

/** Invited and attended counts: a closed session's as kept; others counted from their records. */
export async function countsOf(session: RetrainingSessionDoc): Promise<{ invited: number; attended: number }> {
  if (session.status === 'closed' || session.status === 'cancelled') return { invited: session.invitedCount, attended: session.attendedCount };
  return { invited: session.invitedCount, attended: await RetrainingAttendance.countDocuments({ session: session._id }) };
}

/** Moves a session `days` earlier (the demo's session held last week; the form only schedules ahead). */
export async function backdateSession(id: Types.ObjectId, days: number): Promise<void> {
  const session = await RetrainingSession.findById(id).lean<RetrainingSessionDoc>();
  if (!session) return;
  const shift = days * 86400_000;
  await RetrainingSession.updateOne({ _id: id }, { $set: { startsAt: new Date(session.startsAt.getTime() - shift), endsAt: new Date(session.endsAt.getTime() - shift) } });
}
