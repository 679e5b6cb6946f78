/**
 * What the reminders hand to the notifications' outbox (src/notifications `notify`): one
 * notification, its key naming the event so that a second hand-over of it changes nothing.
 */
import type { Types } from 'mongoose';


export type ReminderKind = 'dueSoon' | 'duePassed' | 'trainerDigest' | 'escalation' | 'fieldReportMissing';

export interface Line {
  key: string;
  params: Record<string, string | number>;
}

export interface Notice {
  key: string;
  userId: Types.ObjectId;
  kind: ReminderKind;
  titleKey: string;
  bodyKey: string;
  params: Record<string, string | number>;
  lines?: Line[];
  link: string;
}

/** A person's language for what is written to them (none chosen: Vietnamese). */
export function localeOf(person: { locale?: string | null }): 'vi' | 'en' {
  return person.locale === 'en' ? 'en' : 'vi';
}
