import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { FILE_FORMS } from './file-style';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const EXPORT_STATES = ['queued', 'running', 'ready', 'failed'] as const;

/**
 * A per-person export too big for one request (a whole country), prepared in the background
 * into a file under DATA_DIR/exports and downloaded by the person who asked for it.
 */
const exportJobSchema = new Schema(
  {
    owner: { type: Schema.Types.ObjectId, required: true },
    unit: { type: Schema.Types.ObjectId, required: true },
    unitCode: { type: String, required: true },
    /** The unit's lineage: the job is in the scope of whoever may see the unit. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    format: { type: String, enum: EXPORT_FORMATS, required: true },
    locale: { type: String, enum: ['vi', 'en'], required: true },
    /** Readable (headers and values in `locale`, Vietnam time) or the contract's codes; none on jobs older than forms. */
    form: { type: String, enum: FILE_FORMS },
    state: { type: String, enum: EXPORT_STATES, required: true, default: 'queued' },
    /** Units done / units in the subtree: the progress shown on the page. */
    done: { type: Number, default: 0 },
    total: { type: Number, default: 0 },
    rows: { type: Number, default: 0 },
    bytes: { type: Number, default: 0 },
    /** Each start of the work is one attempt; a restart of the app starts the next. */
    attempt: { type: Number, default: 0 },
    /** Refreshed while an app process works on it: a stale one means that process is gone. */
    heartbeatAt: { type: Date, default: null },
    file: { type: String, default: null },
    fileName: { type: String, required: true },
    error: { type: String, default: null },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { strict: true },
);
exportJobSchema.index({ owner: 1 });
exportJobSchema.index({ state: 1 });

/** Who works on which attempt of a job: the unique key lets exactly one process take it. */
const exportClaimSchema = new Schema(
  {
    job: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { strict: true },
);
exportClaimSchema.index({ job: 1, attempt: 1 }, { unique: true });

export type ExportJobDoc = InferSchemaType<typeof exportJobSchema> & { _id: Types.ObjectId };
export const ExportJob = mongoose.model('ExportJob', exportJobSchema);
export const ExportClaim = mongoose.model('ExportClaim', exportClaimSchema);
