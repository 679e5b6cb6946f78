import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { ROLES } from '../shared/actor';
import { foldForSearch } from '../shared/text';

const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true },
    /** NFC-normalised. */
    fullName: { type: String, required: true },
    /** Lower-case, diacritics removed: name and username, for diacritics-insensitive search. */
    searchText: { type: String, required: true },
    passwordHash: { type: String, required: true },
    /** Set for one-time passwords: the person must choose their own at next sign-in. */
    mustChangePassword: { type: Boolean, default: false },
    /** The roster import that made this account (its one-time password is re-issued if that import is taken up again). */
    createdByImport: { type: Schema.Types.ObjectId, default: null },
    /** Sessions begun before this moment have ended (set when the password changes or is reset). */
    sessionsValidFrom: { type: Date, default: null },
    role: { type: String, enum: ROLES, required: true },
    unit: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** Copy of the unit's lineage: "everyone under unit X" is `{ lineage: X }`. */
    lineage: { type: [Schema.Types.ObjectId], required: true },
    /** Who retrained this person (the cascade). */
    retrainedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** The chain of trainers above this person, root first: "everyone in X's cascade" is `{ cascadePath: X }`. */
    cascadePath: { type: [Schema.Types.ObjectId], default: [] },
    phone: { type: String, default: null },
    /** Where email notifications go (lower case; not unique: a family may share one). Null: no email. */
    email: { type: String, default: null },
    /** Course slugs this person has completed (kept with each completion; the roll-ups read it). */
    completed: { type: [String], default: [] },
    /** When each completed course was completed (course slug → date), for exports. */
    completedAt: { type: Map, of: Date, default: () => ({}) },
    /** Course slugs in which this person has read a lesson (exports: "in progress"). */
    started: { type: [String], default: [] },
    locale: { type: String, enum: ['vi', 'en'], default: null },
    disabled: { type: Boolean, default: false },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true, strict: true },
);
userSchema.index({ lineage: 1 });
userSchema.index({ unit: 1 });
userSchema.index({ retrainedBy: 1 });
userSchema.index({ cascadePath: 1 });
/** Staff find a person by their whole phone number at any level. */
userSchema.index({ phone: 1 });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const User = mongoose.model('User', userSchema);

/** What people search a person by: name and username, folded (lower case, no diacritics). */
export function searchTextOf(fullName: string, username: string): string {
  return foldForSearch(`${fullName} ${username}`);
}
