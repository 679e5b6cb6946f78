import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** A started quiz: which questions were drawn and in which option order (server-side only). */
const attemptSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    module: { type: String, required: true },
    questions: [{ _id: false, id: { type: String, required: true }, options: { type: [String], required: true } }],
    startedAt: { type: Date, required: true },
    /** Hard end (time limit); null when the module has none. */
    deadline: { type: Date, default: null },
    contentVersion: { type: String, required: true },
    /**
     * The answers chosen so far, saved as they are chosen (POST …/answers) until the time is up:
     * what a reload shows, and what a submission arriving after the deadline is graded from.
     */
    draft: { type: [{ _id: false, id: { type: String, required: true }, chosen: { type: [String], default: [] } }], default: undefined },
    /** When the draft was last saved (server time, always before the deadline and its grace). */
    draftSavedAt: { type: Date, default: null },
  },
  { strict: true },
);
attemptSchema.index({ user: 1, course: 1, module: 1, startedAt: -1 });

/** The one result of an attempt: the unique key on `attempt` makes a second submission a duplicate. */
const resultSchema = new Schema(
  {
    attempt: { type: Schema.Types.ObjectId, ref: 'QuizAttempt', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    module: { type: String, required: true },
    answers: [{ _id: false, id: { type: String, required: true }, chosen: { type: [String], default: [] }, correct: { type: Boolean, required: true } }],
    correctCount: { type: Number, required: true },
    total: { type: Number, required: true },
    score: { type: Number, required: true },
    passed: { type: Boolean, required: true },
    submittedAt: { type: Date, required: true },
    /** False from the moment a passed result is written until its module pass and course completion are (see settleResult). */
    settled: { type: Boolean },
  },
  { strict: true },
);
resultSchema.index({ attempt: 1 }, { unique: true });
resultSchema.index({ settled: 1 });
resultSchema.index({ user: 1, course: 1, module: 1, submittedAt: -1 });

/** A module passed, once per person: what course completion asks the quiz gate for. */
const modulePassSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: String, required: true },
    module: { type: String, required: true },
    result: { type: Schema.Types.ObjectId, ref: 'QuizResult', required: true },
    passedAt: { type: Date, required: true },
  },
  { strict: true },
);
modulePassSchema.index({ user: 1, course: 1, module: 1 }, { unique: true });

export type AttemptDoc = InferSchemaType<typeof attemptSchema> & { _id: Types.ObjectId };
export type ResultDoc = InferSchemaType<typeof resultSchema> & { _id: Types.ObjectId };
export const QuizAttempt = mongoose.model('QuizAttempt', attemptSchema);
export const QuizResult = mongoose.model('QuizResult', resultSchema);
export const ModulePass = mongoose.model('ModulePass', modulePassSchema);
