/**
 * What each person wants by email. The defaults live here, in one place: reminders and
 * digests come by email unless turned off; the weekly briefing pack only to those who
 * subscribed. The inbox always receives everything: it cannot be turned off.
 */
import { Types } from 'mongoose';
import { insertOnce } from '../db/insert-once';
import { mapLimit } from '../db/bulk';
import { NOTIFICATION_KINDS, NotificationPreference, type NotificationKind } from './notification.model';

type Id = Types.ObjectId | string;

/** Whether a kind comes by email to someone who chose nothing. */
export const EMAIL_BY_DEFAULT: Readonly<Record<NotificationKind, boolean>> = {
  dueSoon: true,
  duePassed: true,
  trainerDigest: true,
  escalation: true,
  fieldReportMissing: true,
  briefingPack: false,
};

export interface Choices {
  emailOff: string[];
  subscribed: string[];
}

/** Whether these choices want `kind` by email. */
export function wantsByChoices(choices: Choices | null, kind: NotificationKind): boolean {
  if (EMAIL_BY_DEFAULT[kind]) return !(choices?.emailOff ?? []).includes(kind);
  return (choices?.subscribed ?? []).includes(kind);
}

/** A person's choices (null: none made). */
export async function choicesOf(userId: Id): Promise<Choices | null> {
  return NotificationPreference.findOne({ user: userId }).select('emailOff subscribed').lean<Choices>();
}

/** Whether a person wants this kind of message by email (their address aside). */
export async function wantsEmail(userId: Id, kind: NotificationKind): Promise<boolean> {
  return wantsByChoices(await choicesOf(userId), kind);
}

/** Of these people, those who want `kind` by email (e.g. the briefing pack's subscribers among a unit's staff). */
export async function subscribersOf(kind: NotificationKind, userIds: readonly Id[]): Promise<Types.ObjectId[]> {
  const wanted = await mapLimit(userIds, async (id) => ((await wantsEmail(id, kind)) ? id : null));
  return wanted.filter((id): id is Id => id !== null).map((id) => (typeof id === 'string' ? new Types.ObjectId(id) : id));
}

/** Every kind and whether the person gets it by email, in the order of the form. */
export async function emailChoices(userId: Id): Promise<{ kind: NotificationKind; byEmail: boolean }[]> {
  const choices = await choicesOf(userId);
  return NOTIFICATION_KINDS.map((kind) => ({ kind, byEmail: wantsByChoices(choices, kind) }));
}

/** Sets whether one kind comes by email. */
export async function setEmailWanted(userId: Id, kind: NotificationKind, wanted: boolean): Promise<void> {
  await insertOnce(NotificationPreference, { user: userId, emailOff: [], subscribed: [] });
  const field = EMAIL_BY_DEFAULT[kind] ? 'emailOff' : 'subscribed';
  const add = EMAIL_BY_DEFAULT[kind] ? !wanted : wanted;
  await NotificationPreference.updateOne({ user: userId }, add ? { $addToSet: { [field]: kind } } : { $pull: { [field]: kind } });
}

/** Sets every kind at once (the preferences form): those in `wanted` by email, the others not. */
export async function setEmailChoices(userId: Id, wanted: readonly NotificationKind[]): Promise<void> {
  await insertOnce(NotificationPreference, { user: userId, emailOff: [], subscribed: [] });
  const emailOff = NOTIFICATION_KINDS.filter((k) => EMAIL_BY_DEFAULT[k] && !wanted.includes(k));
  const subscribed = NOTIFICATION_KINDS.filter((k) => !EMAIL_BY_DEFAULT[k] && wanted.includes(k));
  await NotificationPreference.updateOne({ user: userId }, { $set: { emailOff, subscribed } });
}
