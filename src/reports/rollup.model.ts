import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** Compliance figures of one unit's subtree or one trainer's cascade, derived from the people. */
const rollupSchema = new Schema(
  {
    /** `unit:<id>` or `trainer:<id>` */
    key: { type: String, required: true },
    people: { type: Number, required: true },
    digitalLiteracy: { type: Number, required: true },
    twoLevelGovernment: { type: Number, required: true },
    compliant: { type: Number, required: true },
    builtAt: { type: Date, required: true },
  },
  { strict: true },
);

// A rebuild inserts a new generation and then deletes the older ones: inserts are cheap on
// the embedded store, whereas one upsert per key would scan the collection each time.
rollupSchema.index({ key: 1, builtAt: -1 }, { unique: true });
rollupSchema.index({ builtAt: 1 });

export type RollupDoc = InferSchemaType<typeof rollupSchema> & { _id: Types.ObjectId };
export const Rollup = mongoose.model('Rollup', rollupSchema);

export interface Figures {
  people: number;
  digitalLiteracy: number;
  twoLevelGovernment: number;
  compliant: number;
}

export const ZERO: Figures = { people: 0, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0 };

export function percent(f: Figures): number {
  return f.people ? Math.round((f.compliant / f.people) * 1000) / 10 : 0;
}
