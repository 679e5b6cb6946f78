/**
 * "Retrained by", as a retraining session's attendance sets it: a person with no recorded
 * trainer gets the session's trainer; one who has a trainer keeps them.
 */
import type { Types } from 'mongoose';
import { updateEach } from '../db/bulk';
import { recheckLater } from '../db/sure-update';
import { markFiguresChanged } from '../shared/changes';
import { User } from './user.model';

type Id = Types.ObjectId | string;
type Path = Types.ObjectId[];

const same = (a: unknown, b: unknown) => String(a) === String(b);

/**
 * Sets `trainerId` as the person's trainer if they have none (a conditional update on
 * `retrainedBy: null`, so two sessions at once give one trainer), with their chain of trainers
 * (`cascadePath`) and the chains of everyone they retrained below them; marks the figures of
 * their unit and both chains changed. (Two sessions of different trainers recording the same
 * person at the same instant: the store writes documents whole, so one trainer stays, chain included.) Returns whether the trainer was set. Never makes a loop:
 * a person is not given a trainer that they (or someone below them) retrained.
 */
export async function setTrainerIfNone(personId: Id, trainerId: Id): Promise<boolean> {
  if (same(personId, trainerId)) return false;
  const trainer = await User.findById(trainerId).select('cascadePath').lean<{ _id: Types.ObjectId; cascadePath?: Path }>();
  if (!trainer) return false;
  const path: Path = [...(trainer.cascadePath ?? []), trainer._id];
  if (path.some((id) => same(id, personId))) return false;
  const before = await User.findById(personId).select('retrainedBy lineage cascadePath').lean<{ _id: Types.ObjectId; retrainedBy?: Types.ObjectId | null; lineage?: Path; cascadePath?: Path }>();
  if (!before || before.retrainedBy) return false;
  const update = { $set: { retrainedBy: trainer._id, cascadePath: path } };
  const res = await User.updateOne({ _id: before._id, retrainedBy: null }, update);
  if (res.modifiedCount === 0) return false;
  // the store writes a document back whole: looked at again a moment later, and made again if a concurrent write lost it
  recheckLater<{ retrainedBy?: unknown }>(User, before._id, 'retrainedBy', { $set: { retrainedBy: trainer._id, cascadePath: path } }, (doc) => Boolean(doc.retrainedBy));
  // the people this person retrained (and theirs) now sit under the new chain too
  const below = await User.find({ cascadePath: before._id }).select('cascadePath').lean<{ _id: Types.ObjectId; cascadePath: Path }[]>();
  await updateEach(
    User,
    below.map((b) => ({ filter: { _id: b._id }, update: { $set: { cascadePath: [...path, ...b.cascadePath.slice(b.cascadePath.findIndex((id) => same(id, before._id)))] } } })),
  );
  await markFiguresChanged({ people: [before._id], lineages: [before.lineage ?? []], paths: [path, before.cascadePath ?? []] });
  return true;
}
