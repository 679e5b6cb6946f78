import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** One record per person per lesson read: the unique key makes "read twice" a no-op. */
const lessonReadSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    /** `<module-folder>/<lesson-slug>` */
    lesson: { type: String, required: true },
    readAt: { type: Date, required: true },
  },
  { strict: true },
);
lessonReadSchema.index({ user: 1, course: 1, lesson: 1 }, { unique: true });

/** One record per person per course, written once when the course's rule is met. */
const completionSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    completedAt: { type: Date, required: true },
    /** The content version (hash) the person completed. */
    contentVersion: { type: String, required: true },
    /**
     * 0–255 from the person's id (never changes): background work reads the records a bucket
     * at a time, each an equality the store serves from an index (see completionBucket).
     */
    bucket: { type: Number, required: true, default: function (this: { user: Types.ObjectId }) { return completionBucket(this.user); } },
    /**
     * False from the moment the completion is written until what follows it is done (the
     * person's copy, the listeners: the certificate). A crash in between leaves it false, and
     * the repair job finishes the work (one equality query finds them).
     */
    settled: { type: Boolean },
  },
  { strict: true },
);
completionSchema.index({ user: 1, course: 1 }, { unique: true });
completionSchema.index({ bucket: 1 });
completionSchema.index({ settled: 1 });

export const COMPLETION_BUCKETS = 256;

/** The bucket of a person's completion records: the last byte of their id (a counter, so evenly spread). */
export function completionBucket(userId: Types.ObjectId | string): number {
  return parseInt(String(userId).slice(-2), 16) % COMPLETION_BUCKETS;
}

export type LessonReadDoc = InferSchemaType<typeof lessonReadSchema> & { _id: Types.ObjectId };
export type CompletionDoc = InferSchemaType<typeof completionSchema> & { _id: Types.ObjectId };
export const LessonRead = mongoose.model('LessonRead', lessonReadSchema);
export const CourseCompletion = mongoose.model('CourseCompletion', completionSchema);
