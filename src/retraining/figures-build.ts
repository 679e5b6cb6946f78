/**
 * The retraining figures counted from the raw records — every session, every attendance record
 * and every person, a unit at a time (each query an equality on an indexed key) — compared
 * with what is stored and written over it: the first build, the rebuild after a roster import
 * or a re-organised tree, and `reports:reconcile` (which prints the differences).
 */
import type { Types } from 'mongoose';
import { activePeopleOfUnit } from '../accounts';
import { centralUnit, subtreeOf, type UnitDoc } from '../org';
import { LEARNER_ROLES } from '../shared/actor';
import { RetrainedPerson, RetrainingMark, RetrainingTally } from './figures.model';
import { combine, countsOf, isHeld, ownPart, partOf, sameCounts, SESSION_FIELDS, type Part, type SessionLike } from './figures-count';
import { BUILT, putTally } from './figures.service';
import { RetrainingAttendance, RetrainingSession } from './session.model';

export interface RetrainingDifference {
  key: string;
  stored: ReturnType<typeof countsOf>;
  actual: ReturnType<typeof countsOf>;
}

type First = { at: Date; session: Types.ObjectId };

/** Every unit of the tree, root first. */
async function everyUnit(): Promise<UnitDoc[]> {
  const root = await centralUnit();
  return root ? subtreeOf(root) : [];
}

/** Sessions and attendance, a unit at a time: each person's first attendance, each trainer's sessions and attendees. */
async function readRecords(units: UnitDoc[]) {
  const sessions = new Map<string, SessionLike>();
  for (const u of units) for (const s of await RetrainingSession.find({ unit: u._id }).select(SESSION_FIELDS).lean<SessionLike[]>()) sessions.set(String(s._id), s);
  const first = new Map<string, First>();
  const attendeesOf = new Map<string, Set<string>>(); // trainer → people
  for (const u of units) {
    // the attendance of this unit's own people (two equalities, both sent to the store's indexes)
    for (const a of await RetrainingAttendance.find({ lineage: u._id, unit: u._id }).select('session user at').lean()) {
      const s = sessions.get(String(a.session));
      if (!s || s.status === 'cancelled') continue;
      const user = String(a.user);
      const seen = first.get(user);
      if (!seen || a.at < seen.at) first.set(user, { at: a.at, session: a.session as Types.ObjectId });
      const trainer = String(s.trainer);
      if (!attendeesOf.has(trainer)) attendeesOf.set(trainer, new Set());
      attendeesOf.get(trainer)!.add(user);
    }
  }
  return { sessions, first, attendeesOf };
}

/** The figures of every unit and trainer from the records, and the "retrained" records they imply, repaired. */
async function recount(now: Date): Promise<{ parts: Map<string, { parent: string | null; part: Part }>; peopleRepaired: number }> {
  const units = await everyUnit();
  const { sessions, first, attendeesOf } = await readRecords(units);
  const byUnit = new Map<string, SessionLike[]>();
  const heldBy = new Set<string>();
  for (const s of sessions.values()) {
    byUnit.set(String(s.unit), [...(byUnit.get(String(s.unit)) ?? []), s]);
    if (isHeld(s)) heldBy.add(String(s.trainer));
  }
  const parts = new Map<string, { parent: string | null; part: Part }>();
  let peopleRepaired = 0;
  const childrenOf = new Map<string, UnitDoc[]>();
  for (const u of units) if (u.lineage.length > 1) childrenOf.set(String(u.lineage[u.lineage.length - 2]), [...(childrenOf.get(String(u.lineage[u.lineage.length - 2])) ?? []), u]);
  // deepest first, so that each unit's children are counted before it
  for (const u of [...units].sort((a, b) => b.lineage.length - a.lineage.length)) {
    const people = await activePeopleOfUnit(u._id);
    const learners = people.filter((p) => (LEARNER_ROLES as readonly string[]).includes(p.role));
    peopleRepaired += await repairRetrained(u, learners, first);
    const trainers = people.filter((p) => p.role === 'trainer').map((t) => ({ _id: t._id, username: t.username, fullName: t.fullName, held: heldBy.has(String(t._id)) }));
    const own = ownPart(byUnit.get(String(u._id)) ?? [], learners.filter((p) => first.has(String(p._id))).length, trainers, now);
    const children = childrenOf.get(String(u._id)) ?? [];
    const parent = u.lineage.length > 1 ? `unit:${u.lineage[u.lineage.length - 2]}` : null;
    parts.set(`unit:${u._id}`, { parent, part: combine(own, children.map((c) => parts.get(`unit:${c._id}`)?.part ?? partOf(null)), now) });
  }
  const trainerSessions = new Map<string, SessionLike[]>();
  for (const s of sessions.values()) trainerSessions.set(String(s.trainer), [...(trainerSessions.get(String(s.trainer)) ?? []), s]);
  for (const [trainer, list] of trainerSessions) parts.set(`trainer:${trainer}`, { parent: null, part: ownPart(list, attendeesOf.get(trainer)?.size ?? 0, [], now) });
  return { parts, peopleRepaired };
}

/**
 * The "retrained" records of a unit's learners made to match their attendance: a missing one
 * written, a wrong one rewritten, one without attendance removed. Returns how many changed.
 */
async function repairRetrained(unit: UnitDoc, learners: { _id: Types.ObjectId; unit: Types.ObjectId; lineage: Types.ObjectId[] }[], first: Map<string, First>): Promise<number> {
  const stored = new Map((await RetrainedPerson.find({ unit: unit._id }).lean()).map((r) => [String(r.user), r]));
  let changed = 0;
  for (const p of learners) {
    const truth = first.get(String(p._id));
    const have = stored.get(String(p._id));
    stored.delete(String(p._id));
    if (!truth) {
      if (have) changed += (await RetrainedPerson.deleteOne({ _id: have._id })).deletedCount;
      continue;
    }
    if (have && have.firstAt.getTime() === truth.at.getTime() && String(have.session) === String(truth.session)) continue;
    await RetrainedPerson.updateOne({ user: p._id }, { $set: { user: p._id, unit: p.unit, lineage: p.lineage, firstAt: truth.at, session: truth.session } }, { upsert: true });
    changed += 1;
  }
  // left: records of people no longer active here (moved away, disabled, or not learners): those without attendance go
  for (const r of stored.values()) if (!first.has(String(r.user))) changed += (await RetrainedPerson.deleteOne({ _id: r._id })).deletedCount;
  return changed;
}

/**
 * Counts every tally again from the raw records, says where the stored ones differ, and writes
 * the recount over them (keys no longer counted are removed); the pending marks are then moot.
 */
export async function rebuildRetrainingFigures(now = new Date()): Promise<{ differences: RetrainingDifference[]; peopleRepaired: number }> {
  const pending = await RetrainingMark.find({}).select('_id').lean();
  const { parts, peopleRepaired } = await recount(now);
  const stored = new Map<string, Part>();
  for (const key of parts.keys()) {
    const doc = await RetrainingTally.findOne({ key }).lean();
    if (doc) stored.set(key, partOf(doc as unknown as Part));
  }
  const differences: RetrainingDifference[] = [];
  for (const [key, { parent, part }] of parts) {
    const before = stored.get(key) ?? partOf(null);
    if (!sameCounts(before, part)) differences.push({ key, stored: countsOf(before), actual: countsOf(part) });
    await putTally(key, parent, part, now);
  }
  await putTally(BUILT, null, partOf(null), now);
  for (const m of pending) await RetrainingMark.deleteOne({ _id: m._id });
  return { differences, peopleRepaired };
}
