import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const UNIT_LEVELS = ['central', 'province', 'commune', 'team'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** The level each level hangs under. */
export const PARENT_LEVEL: Record<UnitLevel, UnitLevel | null> = {
  central: null,
  province: 'central',
  commune: 'province',
  team: 'commune',
};

const unitSchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    nameVi: { type: String, required: true },
    nameEn: { type: String, required: true },
    level: { type: String, enum: UNIT_LEVELS, required: true },
    parent: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    /** Ancestors from the root down to and including this unit: "everything under X" is `{ lineage: X }`. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    /** Border, remote or isolated area (communes; inherited by their teams for filtering). */
    remote: { type: Boolean, default: false },
  },
  { timestamps: true, strict: true },
);
unitSchema.index({ lineage: 1 });
unitSchema.index({ parent: 1 });

export type UnitDoc = InferSchemaType<typeof unitSchema> & { _id: Types.ObjectId };
export const Unit = mongoose.model('Unit', unitSchema);
