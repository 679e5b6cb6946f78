/**
 * The reminder rules' numbers, in one place: the defaults below, which an administrator may
 * change on /reminders/settings (kept in the store, see ./settings.service). The schema is the
 * one check of a value, for the form and for what the store holds.
 */
import { z } from 'zod';

export interface ReminderRules {
  /** A learner is first reminded this many days before their cohort's due date… */
  firstReminderDays: number;
  /** …and again this many days before it (and once when it has passed). */
  lastReminderDays: number;
  /** A person this many days or more past the due date is escalated (the trainer's own trainer, the commune's staff). */
  escalationDays: number;
  /** Nothing is sent before this hour of the day, Vietnam time (the Monday digests, Friday and Sunday field-report reminders too). */
  sendHour: number;
}

export const DEFAULT_RULES: Readonly<ReminderRules> = Object.freeze({
  firstReminderDays: 7,
  lastReminderDays: 1,
  escalationDays: 14,
  sendHour: 8,
});

const whole = (min: number, max: number, key: string) => z.coerce.number({ error: key }).int({ error: key }).min(min, { error: key }).max(max, { error: key });

/** The rules as a form sends them (strings) or the store holds them (numbers); errors name the field's locale key. */
export const rulesSchema = z
  .object({
    firstReminderDays: whole(2, 60, 'reminders.settings.firstRule'),
    lastReminderDays: whole(1, 59, 'reminders.settings.lastRule'),
    escalationDays: whole(1, 120, 'reminders.settings.escalationRule'),
    sendHour: whole(0, 23, 'reminders.settings.hourRule'),
  })
  .refine((r) => r.lastReminderDays < r.firstReminderDays, { path: ['lastReminderDays'], error: 'reminders.settings.lastBeforeFirst' });

/** The weekday numbers (Vietnam time, Sunday = 0) on which team leaders are reminded of the week's field report. */
export const FIELD_REPORT_DAYS = { fri: 5, sun: 0 } as const;
export type FieldReportDay = keyof typeof FIELD_REPORT_DAYS;

/** A claimed run not finished after this long is taken as dead (its process crashed) and may be taken up again. */
export const RUN_STALE_MS = 10 * 60_000;

/** At most this many lines in one digest; the rest are counted in a last line. */
export const DIGEST_MAX_LINES = 60;
