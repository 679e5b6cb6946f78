import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** The kinds of message the app sends; each may be turned off by email (never in the inbox). */
export const NOTIFICATION_KINDS = ['dueSoon', 'duePassed', 'trainerDigest', 'escalation', 'fieldReportMissing', 'briefingPack'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Where a notification's email stands. */
export const EMAIL_STATES = ['none', 'pending', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type EmailState = (typeof EMAIL_STATES)[number];

const paramsType = { type: Schema.Types.Mixed, default: () => ({}) };

const notificationSchema = new Schema(
  {
    /** Names the event (`due7:<cohort>:<user>`): a second notify with this key does nothing. */
    key: { type: String, required: true, unique: true },
    user: { type: Schema.Types.ObjectId, required: true },
    /** The recipient's unit lineage when it was created: the sent log is scoped by it. */
    lineage: { type: [Schema.Types.ObjectId], default: [] },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    titleKey: { type: String, required: true },
    bodyKey: { type: String, required: true },
    params: paramsType,
    lines: { type: [{ _id: false, key: { type: String, required: true }, params: paramsType }], default: [] },
    link: { type: String, required: true },
    attachments: { type: [{ _id: false, filename: String, path: String, contentType: String }], default: [] },
    /** Vietnam day of creation, `YYYY-MM-DD`: the sent log reads one day at a time by equality. */
    day: { type: String, required: true },
    readAt: { type: Date, default: null },
    /** `readAt === null`, as a value the store can match by index (a null equality is not sent to PostgreSQL). */
    unread: { type: Boolean, default: true },
    email: {
      state: { type: String, enum: EMAIL_STATES, default: 'none' },
      /** Claims made (attempts begun, including a crashed one). */
      attempts: { type: Number, default: 0 },
      leaseUntil: { type: Date, default: null },
      leaseOwner: { type: String, default: null },
      /** A retry waits until then. */
      nextAttemptAt: { type: Date, default: null },
      sentAt: { type: Date, default: null },
      lastError: { type: String, default: null },
      /** The address it went (or was to go) to. */
      to: { type: String, default: null },
    },
  },
  { timestamps: { createdAt: true, updatedAt: false }, strict: true },
);
notificationSchema.index({ user: 1, readAt: 1 });
notificationSchema.index({ user: 1, unread: 1 });
notificationSchema.index({ user: 1, createdAt: -1 });
notificationSchema.index({ 'email.state': 1 });
notificationSchema.index({ lineage: 1, day: 1 });

export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId; createdAt: Date };
export const Notification = mongoose.model('Notification', notificationSchema);

/**
 * One attempt to send one notification's email, taken by inserting it: `_id` is
 * `<notification id>:<attempt number>`, so exactly one process owns each attempt (FerretDB
 * cannot make a state-guarded update a claim). The lease says until when the owner may send.
 */
const deliveryClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    at: { type: Date, required: true },
  },
  { strict: true, versionKey: false },
);
export const DeliveryClaim = mongoose.model('DeliveryClaim', deliveryClaimSchema);

/** What a person chose: kinds not wanted by email, and kinds asked for (those off unless subscribed). */
const preferenceSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, required: true, unique: true },
    emailOff: { type: [String], default: [] },
    subscribed: { type: [String], default: [] },
  },
  { timestamps: true, strict: true },
);
export const NotificationPreference = mongoose.model('NotificationPreference', preferenceSchema);
