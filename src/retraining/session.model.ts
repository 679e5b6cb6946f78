import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const PLACE_KINDS = ['centre', 'hall', 'online', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const SESSION_STATUSES = ['scheduled', 'open', 'closed', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const ATTENDANCE_VIA = ['roster', 'qr', 'sheet', 'staff'] as const;
export type AttendanceVia = (typeof ATTENDANCE_VIA)[number];

/** A retraining session a trainer holds for a unit of their scope. */
const sessionSchema = new Schema(
  {
    title: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    placeKind: { type: String, enum: PLACE_KINDS, required: true },
    /** The address, or the online link. */
    place: { type: String, required: true },
    /** The unit the session is for (inside the trainer's scope). */
    unit: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** Copy of the unit's lineage, for scope. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    /** The session unit's province (depth 2 of the tree); null for a central session. */
    province: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    trainer: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    trainerUsername: { type: String, required: true },
    /** `<course>/<module>` from the catalog, or `topic:<key>` (the campaign's three training topics). */
    topics: { type: [String], default: [] },
    invitedCohorts: { type: [Schema.Types.ObjectId], default: [] },
    invitedUnits: { type: [Schema.Types.ObjectId], default: [] },
    /** scheduled → open (check-in opened, from 60 minutes before the start) → closed; or cancelled. */
    status: { type: String, enum: SESSION_STATUSES, default: 'scheduled' },
    cancelReason: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    openedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    closedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** Kept by the service: invitees resolved, attendances recorded. */
    invitedCount: { type: Number, default: 0 },
    attendedCount: { type: Number, default: 0 },
  },
  { timestamps: true, strict: true },
);
sessionSchema.index({ lineage: 1 });
sessionSchema.index({ trainer: 1 });
sessionSchema.index({ province: 1 });
sessionSchema.index({ unit: 1 });

/** A person invited to a session, once. */
const inviteeSchema = new Schema(
  {
    session: { type: Schema.Types.ObjectId, ref: 'RetrainingSession', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The person's unit lineage (copy). */
    lineage: { type: [Schema.Types.ObjectId], required: true },
  },
  { strict: true },
);
inviteeSchema.index({ session: 1, user: 1 }, { unique: true });
inviteeSchema.index({ user: 1 });

/** A person's attendance of a session: once (unique key), however it was recorded. */
const attendanceSchema = new Schema(
  {
    session: { type: Schema.Types.ObjectId, ref: 'RetrainingSession', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The attendee's unit lineage (copy) and unit. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    unit: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    via: { type: String, enum: ATTENDANCE_VIA, required: true },
    at: { type: Date, required: true },
    recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { strict: true },
);
attendanceSchema.index({ session: 1, user: 1 }, { unique: true });
attendanceSchema.index({ user: 1 });
attendanceSchema.index({ lineage: 1 });

export type RetrainingSessionDoc = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export type RetrainingInviteeDoc = InferSchemaType<typeof inviteeSchema> & { _id: Types.ObjectId };
export type RetrainingAttendanceDoc = InferSchemaType<typeof attendanceSchema> & { _id: Types.ObjectId };
export const RetrainingSession = mongoose.model('RetrainingSession', sessionSchema);
export const RetrainingInvitee = mongoose.model('RetrainingInvitee', inviteeSchema);
export const RetrainingAttendance = mongoose.model('RetrainingAttendance', attendanceSchema);
