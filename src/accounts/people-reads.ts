/**
 * Named reads of people for the other features: they never query `users` themselves. Each
 * read is an equality on an indexed field (`_id`, `username`, `unit`, `lineage`,
 * `retrainedBy`, `cascadePath`); none returns a password hash.
 */
import type { Types } from 'mongoose';
import { allOf, peopleScope, type Actor } from '../shared/actor';
import { User, type UserDoc } from './user.model';

type Id = Types.ObjectId | string;

/** A person as other features see them: everything but the secrets. */
export type Person = Omit<UserDoc, 'passwordHash'>;

const PERSON = '-passwordHash';
/** What tallies and lists need of each person (the roll-ups read hundreds of thousands: keep it short). */
const LEARNER = 'username fullName role unit lineage retrainedBy cascadePath completed completedAt started disabled lastLoginAt';

/** A person by id (null: none). */
export async function personById(id: Id): Promise<Person | null> {
  return User.findById(id).select(PERSON).lean<Person>();
}

/** A person's name and username (null: none), e.g. for "taken up by …". */
export async function namesOf(id: Id): Promise<{ username: string; fullName: string } | null> {
  return User.findById(id).select('username fullName').lean<{ username: string; fullName: string }>();
}

/** A person of the actor's scope by username (typed by a trainer: any case, spaces around). */
export async function personInScopeByUsername(actor: Actor, username: string): Promise<Person | null> {
  return User.findOne(allOf({ username: username.trim().toLowerCase() }, peopleScope(actor))).select(PERSON).lean<Person>();
}

/** Where a person sits: their unit's lineage and their chain of trainers. */
export async function placesOf(id: Id): Promise<{ lineage: Types.ObjectId[]; cascadePath: Types.ObjectId[] } | null> {
  const p = await User.findById(id).select('lineage cascadePath').lean<{ lineage?: Types.ObjectId[]; cascadePath?: Types.ObjectId[] }>();
  return p ? { lineage: p.lineage ?? [], cascadePath: p.cascadePath ?? [] } : null;
}

/** The people whose account is in use in one unit (not its subtree). */
export async function activePeopleOfUnit(unitId: Id): Promise<Person[]> {
  return User.find({ unit: unitId, disabled: false }).select(LEARNER).lean<Person[]>();
}

/** The people whose account is in use anywhere under a unit (its whole subtree: keep to communes and teams). */
export async function activePeopleUnder(unitId: Id): Promise<Person[]> {
  return User.find({ lineage: unitId, disabled: false }).select(LEARNER).lean<Person[]>();
}

/** The people whose account is in use in a trainer's whole cascade (everyone retrained below them). */
export async function activePeopleInCascade(trainerId: Id): Promise<Person[]> {
  return User.find({ cascadePath: trainerId, disabled: false }).select(LEARNER).lean<Person[]>();
}

/** The people whose account is in use that a trainer retrained themselves. */
export async function activePeopleRetrainedBy(trainerId: Id): Promise<Person[]> {
  return User.find({ retrainedBy: trainerId, disabled: false }).select(LEARNER).lean<Person[]>();
}

/** The ids of everyone a trainer retrained themselves, accounts in use or not. */
export async function idsRetrainedBy(trainerId: Id): Promise<Types.ObjectId[]> {
  return (await User.find({ retrainedBy: trainerId }).select('_id').lean()).map((u) => u._id);
}
