import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** Compliance figures of one unit's subtree or one trainer's cascade, derived from the people. */
const rollupSchema = new Schema(
  {
    /** `unit:<id>`, `trainer:<id>` (a trainer's cascade) or `level:<trainer id>:<n>` (its n-th level) */
    key: { type: String, required: true },
    /**
     * The key a page reads this one with: a unit's parent unit, a trainer's own trainer,
     * `levels:<trainer id>` for the levels of a cascade; null at the top. One equality query
     * then gives a unit's children or a cascade's branches (the store serves it from an index).
     */
    parent: { type: String, default: null },
    people: { type: Number, required: true },
    digitalLiteracy: { type: Number, required: true },
    twoLevelGovernment: { type: Number, required: true },
    compliant: { type: Number, required: true },
    builtAt: { type: Date, required: true },
    /** A commune's or a team's people who have not started either course (the first LIST_MAX, by username). */
    waiting: { type: [{ _id: false, username: String, fullName: String }], default: undefined },
    /** Written by the incremental pass (one key brought up to date), not as part of a generation. */
    incremental: { type: Boolean, default: undefined },
  },
  { strict: true },
);

// A rebuild inserts a new generation and then deletes the older ones: inserts are cheap on
// the embedded store, whereas one upsert per key would scan the collection each time.
rollupSchema.index({ key: 1, builtAt: -1 }, { unique: true });
rollupSchema.index({ builtAt: 1 });
rollupSchema.index({ parent: 1 });
rollupSchema.index({ incremental: 1 });

export type RollupDoc = InferSchemaType<typeof rollupSchema> & { _id: Types.ObjectId };
export const Rollup = mongoose.model('Rollup', rollupSchema);

export interface Figures {
  people: number;
  digitalLiteracy: number;
  twoLevelGovernment: number;
  compliant: number;
}

/** How many names a roll-up keeps in its list of people not started. */
export const LIST_MAX = 100;

export const ZERO: Figures = { people: 0, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0 };

export function percent(f: Figures): number {
  return f.people ? Math.round((f.compliant / f.people) * 1000) / 10 : 0;
}
