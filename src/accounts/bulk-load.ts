/**
 * Loading many people at once: synthetic national-scale data (`seed:scale`) or records
 * brought over from another system. Accounts writes its own records (search text, lineage
 * from the unit, chain of trainers from the trainer), in large unordered batches, without
 * audit entries; every account loaded shares the password hash given.
 */
import type { Types } from 'mongoose';
import type { Role } from '../shared/actor';
import { searchTextOf, User } from './user.model';

export interface LoadedPerson {
  _id: Types.ObjectId;
  username: string;
  fullName: string;
  role: Role;
  unit: { _id: Types.ObjectId; lineage: Types.ObjectId[] };
  trainer: { _id: Types.ObjectId; cascadePath: Types.ObjectId[] } | null;
  /** Their course state, as the completion records loaded alongside say. */
  completed: string[];
  completedAt: Record<string, Date>;
  started: string[];
}

/** The chain of trainers a person loaded under `trainer` gets. */
export function cascadePathUnder(trainer: LoadedPerson['trainer']): Types.ObjectId[] {
  return trainer ? [...trainer.cascadePath, trainer._id] : [];
}

export async function bulkLoadPeople(people: LoadedPerson[], passwordHash: string, opts: { batch?: number; onBatch?: (done: number) => void } = {}): Promise<void> {
  const batch = opts.batch ?? 2000;
  for (let i = 0; i < people.length; i += batch) {
    const docs = people.slice(i, i + batch).map((p) => ({
      _id: p._id,
      username: p.username,
      fullName: p.fullName,
      searchText: searchTextOf(p.fullName, p.username),
      passwordHash,
      mustChangePassword: false,
      role: p.role,
      unit: p.unit._id,
      lineage: p.unit.lineage,
      retrainedBy: p.trainer?._id ?? null,
      cascadePath: cascadePathUnder(p.trainer),
      completed: p.completed,
      completedAt: p.completedAt,
      started: p.started,
      disabled: false,
      phone: null,
      locale: null,
      lastLoginAt: null,
    }));
    await User.insertMany(docs, { ordered: false, lean: true });
    opts.onBatch?.(Math.min(i + batch, people.length));
  }
}
