import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const cohortSchema = new Schema(
  {
    name: { type: String, required: true },
    unit: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** Copy of the unit's lineage, for scope. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    courses: { type: [String], required: true },
    dueDate: { type: Date, default: null },
    /** The due date's day in Vietnam (YYYY-MM-DD), so that "cohorts due on a day" is an equality on an index (reminders). */
    dueDay: { type: String, default: null },
    owner: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    ownerUsername: { type: String, required: true },
    closedAt: { type: Date, default: null },
  },
  { timestamps: true, strict: true },
);
cohortSchema.index({ lineage: 1 });
cohortSchema.index({ owner: 1 });
cohortSchema.index({ dueDay: 1 });

/** A person in a cohort, once (unique key): importing the same roster twice enrolls nobody twice. */
const memberSchema = new Schema(
  {
    cohort: { type: Schema.Types.ObjectId, ref: 'Cohort', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    addedAt: { type: Date, required: true },
  },
  { strict: true },
);
memberSchema.index({ cohort: 1, user: 1 }, { unique: true });
memberSchema.index({ user: 1 });

/** An uploaded roster between preview and confirmation. */
const rosterImportSchema = new Schema(
  {
    cohort: { type: Schema.Types.ObjectId, ref: 'Cohort', required: true },
    importer: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    fileName: { type: String, required: true },
    status: { type: String, enum: ['pending', 'applying', 'applied', 'failed'], default: 'pending' },
    /** Which try of applying this is (a try that died half-way can be taken up again: each step is idempotent). */
    attempt: { type: Number, default: 0 },
    /** When the current try began (one older than APPLY_STALE_MS is taken as dead). */
    applyingAt: { type: Date, default: null },
    rows: [
      {
        _id: false,
        line: Number,
        action: { type: String, enum: ['create', 'update', 'unchanged'] },
        enroll: Boolean,
        username: String,
        fullName: String,
        unitCode: String,
        role: String,
        trainerUsername: String,
        phone: { type: String, default: null },
      },
    ],
    invalid: [{ _id: false, line: Number, username: String, reason: String, params: { type: Schema.Types.Mixed, default: {} } }],
    /** One-time passwords of the accounts created, encrypted (AES-256-GCM), until downloaded or expired. */
    sealedPasswords: { type: String, default: null },
    sealedUntil: { type: Date, default: null },
    /** Sealed passwords are kept (an equality the clean-up reads by index, rather than a range over every import). */
    passwordsKept: { type: Boolean, default: false },
    /** What confirming did, for the password sheet opened again. */
    result: { type: { _id: false, created: Number, updated: Number, enrolled: Number }, default: null },
    createdAt: { type: Date, required: true },
  },
  { strict: true },
);
rosterImportSchema.index({ cohort: 1, createdAt: -1 });
rosterImportSchema.index({ passwordsKept: 1 });

/** One per try of applying an import: the unique key lets exactly one request run each try. */
const importClaimSchema = new Schema({ batch: { type: Schema.Types.ObjectId, required: true }, attempt: { type: Number, required: true }, at: { type: Date, required: true } }, { strict: true, versionKey: false });
importClaimSchema.index({ batch: 1, attempt: 1 }, { unique: true });
export const RosterImportClaim = mongoose.model('RosterImportClaim', importClaimSchema);

/** The one CSV download of an import's passwords: the unique key lets exactly one request have it. */
const passwordsDownloadSchema = new Schema({ batch: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } }, { strict: true, versionKey: false });
passwordsDownloadSchema.index({ batch: 1 }, { unique: true });
export const PasswordsDownload = mongoose.model('PasswordsDownload', passwordsDownloadSchema);

export type CohortDoc = InferSchemaType<typeof cohortSchema> & { _id: Types.ObjectId };
export type RosterImportDoc = InferSchemaType<typeof rosterImportSchema> & { _id: Types.ObjectId };
export const Cohort = mongoose.model('Cohort', cohortSchema);
export const CohortMember = mongoose.model('CohortMember', memberSchema);
export const RosterImport = mongoose.model('RosterImport', rosterImportSchema);
