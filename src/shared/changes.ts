/**
 * "Something changed" markers shared by every app process: writers mark a topic, and
 * the jobs that keep derived data (the compliance roll-ups) rebuild only when needed.
 */
import mongoose, { type Types } from 'mongoose';
import { isDuplicateKey } from '../db/insert-once';

const COLLECTION = 'change_marks';

export async function markChanged(topic: string, at = new Date()): Promise<void> {
  const write = () => mongoose.connection.db!.collection<{ _id: string; at: Date }>(COLLECTION).updateOne({ _id: topic }, { $set: { at } }, { upsert: true });
  try {
    await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await write(); // two writers made the mark at once: it exists now
  }
}

export async function changedAt(topic: string): Promise<Date | null> {
  const doc = await mongoose.connection.db!.collection<{ _id: string; at: Date }>(COLLECTION).findOne({ _id: topic });
  return doc?.at ?? null;
}

/**
 * What changed in the figures: people who completed, started or withdrew a course, or were added,
 * disabled or moved (`people`), and the lineages of units (root first) and the cascade paths of
 * trainers (root first) whose counts changed, such as those people left or a roster import touched.
 * The roll-up job counts just those units and cascades again, instead of the whole country.
 * Each call is one mark document (its own `_id`), removed by the job once dealt with.
 */
const DIRTY = 'rollup_dirty';

export interface Place {
  id: string;
  /** position in its lineage or path (root 0) */
  depth: number;
  parent: string | null;
}

export interface DirtyMark {
  _id: Types.ObjectId;
  at: Date;
  people: Types.ObjectId[];
  units: Place[];
  trainers: Place[];
}

/** The places of each chain (a lineage or a cascade path, root first), each once. */
export function places(chains: readonly (readonly Types.ObjectId[])[]): Place[] {
  const out = new Map<string, Place>();
  for (const chain of chains) chain.forEach((id, i) => out.set(String(id), { id: String(id), depth: i, parent: i ? String(chain[i - 1]) : null }));
  return [...out.values()];
}

export async function markFiguresChanged(what: { people?: Types.ObjectId[]; lineages?: readonly (readonly Types.ObjectId[])[]; paths?: readonly (readonly Types.ObjectId[])[] }): Promise<void> {
  await mongoose.connection.db!.collection<DirtyMark>(DIRTY).insertOne({
    _id: new mongoose.Types.ObjectId(),
    at: new Date(),
    people: what.people ?? [],
    units: places(what.lineages ?? []),
    trainers: places(what.paths ?? []),
  });
}

/** Up to `max` marks, for the roll-up job (a small collection: marks live for seconds). */
export async function dirtyMarks(max: number): Promise<DirtyMark[]> {
  return mongoose.connection.db!.collection<DirtyMark>(DIRTY).find({}).limit(max).toArray();
}

/** Removes marks that were dealt with (each by its `_id`). */
export async function clearDirtyMarks(marks: DirtyMark[]): Promise<void> {
  const coll = mongoose.connection.db!.collection<DirtyMark>(DIRTY);
  for (const m of marks) await coll.deleteOne({ _id: m._id });
}
