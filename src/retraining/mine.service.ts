/**
 * "My sessions": the sessions a person is invited to or attended — upcoming ones with place
 * and time, cancelled ones with their reason, attended ones — and a calendar file for each.
 */
import { createEvent } from 'ics';
import type { Types } from 'mongoose';
import { mapLimit } from '../db/bulk';
import type { Actor } from '../shared/actor';
import { dateTimeText } from '../shared/dates';
import { NotFound } from '../shared/errors';
import { sessionById } from './scope';
import { RetrainingAttendance, RetrainingInvitee, type RetrainingSessionDoc } from './session.model';

export interface MySessions {
  upcoming: RetrainingSessionDoc[];
  cancelled: RetrainingSessionDoc[];
  attended: (RetrainingSessionDoc & { attendedAt: Date })[];
  /** Past sessions the person was invited to and did not attend. */
  missed: RetrainingSessionDoc[];
}

/** The actor's own sessions, each in one list. */
export async function mySessions(actor: Actor, now = new Date()): Promise<MySessions> {
  const [invites, attendances] = await Promise.all([
    RetrainingInvitee.find({ user: actor.id }).select('session').lean(),
    RetrainingAttendance.find({ user: actor.id }).select('session at').lean(),
  ]);
  const attendedAt = new Map(attendances.map((a) => [String(a.session), a.at]));
  const ids = [...new Set([...invites.map((i) => String(i.session)), ...attendedAt.keys()])];
  const sessions = (await mapLimit(ids, (id) => sessionById(id), 4)).filter((s): s is RetrainingSessionDoc => s !== null);
  const out: MySessions = { upcoming: [], cancelled: [], attended: [], missed: [] };
  for (const s of sessions) {
    const at = attendedAt.get(String(s._id));
    if (at) out.attended.push({ ...s, attendedAt: at });
    else if (s.status === 'cancelled') out.cancelled.push(s);
    else if (s.status !== 'closed' && s.endsAt.getTime() >= now.getTime()) out.upcoming.push(s);
    else out.missed.push(s);
  }
  const soonest = (a: RetrainingSessionDoc, b: RetrainingSessionDoc) => a.startsAt.getTime() - b.startsAt.getTime();
  out.upcoming.sort(soonest);
  for (const list of [out.cancelled, out.attended, out.missed]) list.sort((a, b) => soonest(b, a));
  return out;
}

/** One of the actor's sessions (invited or attended), or NotFound. */
export async function mySession(actor: Actor, id: string): Promise<RetrainingSessionDoc> {
  const session = await sessionById(id);
  if (!session) throw new NotFound();
  const mine = (await RetrainingInvitee.exists({ session: session._id, user: actor.id })) || (await RetrainingAttendance.exists({ session: session._id, user: actor.id }));
  if (!mine) throw new NotFound();
  return session;
}

const utcArray = (d: Date): [number, number, number, number, number] => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];

/**
 * The session as a calendar file (.ics): times as instants (UTC), so a phone shows them in its
 * own zone; the title, place and description in the reader's language, the times written out
 * in Vietnam time in the description.
 */
export function calendarFile(session: RetrainingSessionDoc, t: (key: string, params?: Record<string, string | number>) => string, baseUrl: string): string {
  const { error, value } = createEvent({
    uid: `retraining-${String(session._id as Types.ObjectId)}@tiep-suc-so`,
    productId: 'tiep-suc-so/retraining',
    start: utcArray(session.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utcArray(session.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: `${t('retraining.ics.titlePrefix')}: ${session.title}`,
    location: `${t(`retraining.placeKinds.${session.placeKind}`)}: ${session.place}`,
    description: t('retraining.ics.description', { from: dateTimeText(session.startsAt), to: dateTimeText(session.endsAt), trainer: session.trainerUsername }),
    url: `${baseUrl.replace(/\/$/, '')}/retraining/mine`,
    status: session.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
  });
  if (error || !value) throw error ?? new Error('no calendar file');
  return value;
}
