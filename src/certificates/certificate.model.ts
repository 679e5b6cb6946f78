import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

const certificateSchema = new Schema(
  {
    serial: { type: String, required: true, unique: true },
    /** The completion this certificate attests: the unique key that makes issuing happen once. */
    completion: { type: Schema.Types.ObjectId, ref: 'CourseCompletion', required: true, unique: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    /** The name as it was at issue (printed on paper; verification shows the same). */
    holderName: { type: String, required: true },
    /** Copy of the holder's lineage at issue, for scoped listing. */
    lineage: { type: [Schema.Types.ObjectId], default: [] },
    issuedAt: { type: Date, required: true },
    contentVersion: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
    revokeReason: { type: String, default: null },
  },
  { timestamps: true, strict: true },
);
certificateSchema.index({ user: 1, course: 1 });
certificateSchema.index({ lineage: 1 });

export type CertificateDoc = InferSchemaType<typeof certificateSchema> & { _id: Types.ObjectId };
export const Certificate = mongoose.model('Certificate', certificateSchema);
