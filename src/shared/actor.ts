/**
 * Who is acting, as every service receives it. Scope is not optional: these filters
 * are the only way services ask for records that belong to a unit or a person.
 */
import mongoose, { type Types } from 'mongoose';

export const ROLES = ['volunteer', 'trainer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The people counted toward the 100% target (staff and administrators are not learners). */
export const LEARNER_ROLES: ('volunteer' | 'trainer')[] = ['volunteer', 'trainer'];

export interface Actor {
  id: Types.ObjectId;
  username: string;
  role: Role;
  unitId: Types.ObjectId;
  ip?: string;
}

/**
 * People the actor may see: staff and admins their unit's subtree; trainers their unit's
 * subtree and the people they retrained; volunteers only themselves.
 */
export function peopleScope(actor: Actor): Record<string, unknown> {
  switch (actor.role) {
    case 'volunteer':
      return { _id: actor.id };
    case 'trainer':
      return { $or: [{ lineage: actor.unitId }, { retrainedBy: actor.id }] };
    default:
      return { lineage: actor.unitId };
  }
}

/**
 * All of these filters at once, written so that the store can use its indexes: keys merged
 * into one flat filter (the embedded store sends a top-level equality to its index, but
 * nothing inside `$and`); only a key that two filters both name goes into `$and`.
 */
export function allOf(...filters: Record<string, unknown>[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const rest: Record<string, unknown>[] = [];
  for (const f of filters) {
    for (const [k, v] of Object.entries(f)) {
      if (k in flat) rest.push({ [k]: v });
      else flat[k] = v;
    }
  }
  return rest.length ? { ...flat, $and: rest } : flat;
}

/** Depth of a team in the tree: central → province → commune → team. */
export const TEAM_DEPTH = 4;

/** A team leader: a trainer whose own unit is a team (they file the team's weekly report). */
export function isTeamLeader(user: { role: string; lineage: unknown[] } | null | undefined): boolean {
  return user?.role === 'trainer' && user.lineage.length === TEAM_DEPTH;
}

export function isObjectId(value: string): boolean {
  return mongoose.isValidObjectId(value) && /^[a-f0-9]{24}$/i.test(value);
}
