import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * The rules an administrator set (one document, `_id` 'rules'); absent: the defaults of ./rules.
 */
const settingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    firstReminderDays: { type: Number, required: true },
    lastReminderDays: { type: Number, required: true },
    escalationDays: { type: Number, required: true },
    sendHour: { type: Number, required: true },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { strict: true, versionKey: false },
);

/**
 * One run of a rule for one period (`due` per Vietnam day, `digest` per ISO week, `field` per
 * week and day): claimed by inserting it (unique `rule+period`), so that of several processes
 * one does the work; `doneAt` set when every notification of the run is in the outbox. A run
 * claimed and never done (its process died) is taken up again after RUN_STALE_MS: each
 * notification is insert-once, so what the first try sent is not sent again.
 */
const runSchema = new Schema(
  {
    rule: { type: String, required: true },
    period: { type: String, required: true },
    startedAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
    /** Notifications this run put in the outbox (those already there not counted). */
    queued: { type: Number, default: 0 },
  },
  { strict: true, versionKey: false },
);
runSchema.index({ rule: 1, period: 1 }, { unique: true });

export type ReminderRunDoc = InferSchemaType<typeof runSchema> & { _id: mongoose.Types.ObjectId };
export const ReminderSettings = mongoose.model('ReminderSettings', settingsSchema, 'remindersettings');
export const ReminderRun = mongoose.model('ReminderRun', runSchema, 'reminderruns');
