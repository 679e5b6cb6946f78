/**
 * Staff figures of retraining, derived from the sessions and the attendance records the way the
 * reports' roll-ups are derived from the people: a page reads a few documents by key, never the
 * attendance rows. Reconciliation (`reports:reconcile`) recounts them from the raw records.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/**
 * A person retrained in person: they attended at least one session that was not cancelled.
 * One per person (unique `user`), carrying their unit and lineage now, so that a unit's count
 * is one equality query on `unit` (its own people) plus its children's tallies.
 */
const retrainedPersonSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The person's own unit (the last of their lineage) and its lineage, as the person has them. */
    unit: { type: Schema.Types.ObjectId, required: true },
    lineage: { type: [Schema.Types.ObjectId], required: true },
    /** Their first attendance: when, and at which session. */
    firstAt: { type: Date, required: true },
    session: { type: Schema.Types.ObjectId, required: true },
  },
  { strict: true },
);
retrainedPersonSchema.index({ user: 1 }, { unique: true });
retrainedPersonSchema.index({ unit: 1 });

export type RetrainedPersonDoc = InferSchemaType<typeof retrainedPersonSchema> & { _id: Types.ObjectId };
export const RetrainedPerson = mongoose.model('RetrainedPerson', retrainedPersonSchema);

const weekCountSchema = new Schema({ week: { type: String, required: true }, held: { type: Number, required: true } }, { _id: false });
const idleTrainerSchema = new Schema({ id: { type: Schema.Types.ObjectId, required: true }, username: String, fullName: String }, { _id: false });
const recentSessionSchema = new Schema(
  {
    id: { type: Schema.Types.ObjectId, required: true },
    title: String,
    startsAt: Date,
    unit: Schema.Types.ObjectId,
    trainerUsername: String,
    invited: Number,
    attended: Number,
  },
  { _id: false },
);

/**
 * The retraining figures of one key: `unit:<id>` (the unit's whole subtree) or `trainer:<id>`
 * (the sessions that trainer held). One document per key (unique), rewritten whole by the job.
 */
const tallySchema = new Schema(
  {
    key: { type: String, required: true },
    /** `unit:<parent id>` for a unit (null at the top): a unit's children are one equality query. */
    parent: { type: String, default: null },
    /** Closed sessions (held), overall and per Monday-started week in Vietnam (ISO label, e.g. 2026-W49). */
    held: { type: Number, required: true },
    weeks: { type: [weekCountSchema], default: [] },
    /** Distinct people retrained in person (a unit: its people; a trainer: who attended their sessions). */
    retrained: { type: Number, required: true },
    /** Trainers of the unit's subtree, and those who have held no session (the first LIST_MAX by username). */
    trainers: { type: Number, default: 0 },
    idleCount: { type: Number, default: 0 },
    idle: { type: [idleTrainerSchema], default: [] },
    /** The held sessions of the last two weeks (newest first, at most RECENT_MAX): "this week's sessions". */
    recent: { type: [recentSessionSchema], default: [] },
    builtAt: { type: Date, required: true },
  },
  { strict: true },
);
tallySchema.index({ key: 1 }, { unique: true });
tallySchema.index({ parent: 1 });

export type TallyDoc = InferSchemaType<typeof tallySchema> & { _id: Types.ObjectId };
export const RetrainingTally = mongoose.model('RetrainingTally', tallySchema);

/**
 * What changed: the units whose tallies need counting again (and every unit above), the
 * trainers, and the people whose "retrained" record needs checking. Removed once dealt with.
 */
const markSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** Each unit once, with its place in its lineage (no nested arrays: the store has none). */
    units: { type: [new Schema({ id: String, depth: Number, parent: { type: String, default: null } }, { _id: false })], default: [] },
    trainers: { type: [Schema.Types.ObjectId], default: [] },
    people: { type: [Schema.Types.ObjectId], default: [] },
  },
  { strict: true },
);
export const RetrainingMark = mongoose.model('RetrainingMark', markSchema);

/** How many names and sessions a tally keeps. */
export const LIST_MAX = 100;
export const RECENT_MAX = 50;
