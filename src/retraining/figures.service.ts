/**
 * Keeping the retraining figures: writers (attendance, closing, cancelling, people moving) mark
 * what changed, and the job counts only those units, trainers and people again, deepest unit
 * first, each from its own records and its children's tallies — every read an equality on an
 * indexed key returning one unit's or one trainer's few documents. A full build (from the raw
 * records, ./figures-build) runs when there is none yet or when people changed in a way only a
 * rebuild follows (a roster import, a re-organised tree: the roll-ups' own signal).
 */
import type { Types } from 'mongoose';
import { activePeopleOfUnit, personById } from '../accounts';
import { mapLimit } from '../db/bulk';
import { isDuplicateKey } from '../db/insert-once';
import { LEARNER_ROLES } from '../shared/actor';
import { changedAt, places, type Place } from '../shared/changes';
import { RetrainedPerson, RetrainingMark, RetrainingTally } from './figures.model';
import { combine, isHeld, ownPart, partOf, SESSION_FIELDS, type Part, type SessionLike } from './figures-count';
import { RetrainingAttendance, RetrainingSession } from './session.model';

type Id = Types.ObjectId | string;

/** Says that these units (each lineage, root first), trainers and people need counting again. */
export async function markRetrainingChanged(what: { lineages?: readonly (readonly Types.ObjectId[])[]; trainers?: Id[]; people?: Id[] }): Promise<void> {
  await RetrainingMark.create({ at: new Date(), units: places(what.lineages ?? []), trainers: what.trainers ?? [], people: what.people ?? [] });
}

/** Listener of retraining's `attendanceChanged`: the attendees, the session's unit and trainer. */
export async function attendanceCounted(change: { sessionId: Id; userIds: Id[]; unitLineage?: Types.ObjectId[] }): Promise<void> {
  const session = await RetrainingSession.findById(change.sessionId).select('lineage trainer').lean();
  await markRetrainingChanged({
    lineages: [change.unitLineage ?? [], (session?.lineage ?? []) as Types.ObjectId[]],
    trainers: session ? [session.trainer as Types.ObjectId] : [],
    people: change.userIds,
  });
}

/** Listener of a session closed, cancelled or changed: its unit's lineage and its trainer (its attendees when cancelled). */
export async function sessionCounted(sessionId: Id): Promise<void> {
  const session = await RetrainingSession.findById(sessionId).select('lineage trainer status').lean();
  if (!session) return;
  const people = session.status === 'cancelled' ? (await RetrainingAttendance.find({ session: session._id }).select('user').lean()).map((a) => a.user as Types.ObjectId) : [];
  await markRetrainingChanged({ lineages: [session.lineage as Types.ObjectId[]], trainers: [session.trainer as Types.ObjectId], people });
}

/** Listener of accounts' `peopleMoved`: their "retrained" records follow them. */
export async function retrainedFollowTheirUnit(userIds: Types.ObjectId[], lineage: Types.ObjectId[]): Promise<void> {
  const retrained = (await mapLimit(userIds, (id) => RetrainedPerson.findOne({ user: id }).select('user').lean(), 4)).filter((r) => r !== null);
  if (retrained.length) await markRetrainingChanged({ lineages: [lineage], people: retrained.map((r) => r.user as Types.ObjectId) });
}

/** Writes one key's tally whole (a unique key: a second writer at the same instant updates instead). */
export async function putTally(key: string, parent: string | null, part: Part, builtAt: Date): Promise<void> {
  const write = () => RetrainingTally.updateOne({ key }, { $set: { key, parent, ...part, builtAt } }, { upsert: true });
  try {
    await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await write();
  }
}

/**
 * A person's "retrained" record from their attendance: their first attendance of a session
 * that was not cancelled, if they are a learner. Returns the lineages whose counts this touches.
 */
async function settlePerson(userId: string): Promise<Types.ObjectId[][]> {
  const [person, stored, rows] = await Promise.all([
    personById(userId),
    RetrainedPerson.findOne({ user: userId }).lean(),
    RetrainingAttendance.find({ user: userId }).select('session at').lean(),
  ]);
  let first: { session: Types.ObjectId; at: Date } | null = null;
  for (const a of rows) {
    const s = await RetrainingSession.findById(a.session).select('status').lean();
    if (s && s.status !== 'cancelled' && (!first || a.at < first.at)) first = { session: a.session as Types.ObjectId, at: a.at };
  }
  const learner = person && (LEARNER_ROLES as readonly string[]).includes(person.role);
  if (first && learner) {
    const doc = { user: person._id, unit: person.unit, lineage: person.lineage, firstAt: first.at, session: first.session };
    const write = () => RetrainedPerson.updateOne({ user: person._id }, { $set: doc }, { upsert: true });
    await write().catch((err: unknown) => (isDuplicateKey(err) ? write() : Promise.reject(err)));
  } else if (stored) {
    await RetrainedPerson.deleteOne({ _id: stored._id });
  }
  return [(stored?.lineage ?? []) as Types.ObjectId[], (person?.lineage ?? []) as Types.ObjectId[]];
}

/** Whether a trainer has held (closed) a session: their sessions are one equality query. */
async function hasHeld(trainerId: Types.ObjectId): Promise<boolean> {
  return (await RetrainingSession.find({ trainer: trainerId }).select('status').lean()).some(isHeld);
}

/** A unit counted again from its own sessions, people and trainers, and its children's tallies. */
export async function countUnit(id: string, parent: string | null, now: Date): Promise<void> {
  const [sessions, people, retrainedHere, children] = await Promise.all([
    RetrainingSession.find({ unit: id }).select(SESSION_FIELDS).lean<SessionLike[]>(),
    activePeopleOfUnit(id),
    RetrainedPerson.find({ unit: id }).select('user').lean(),
    RetrainingTally.find({ parent: `unit:${id}` }).lean(),
  ]);
  const ids = new Set(retrainedHere.map((r) => String(r.user)));
  const learners = people.filter((p) => (LEARNER_ROLES as readonly string[]).includes(p.role));
  const trainers = people.filter((p) => p.role === 'trainer');
  const held = await mapLimit(trainers, (t) => hasHeld(t._id), 4);
  const own = ownPart(sessions, learners.filter((p) => ids.has(String(p._id))).length, trainers.map((t, i) => ({ _id: t._id, username: t.username, fullName: t.fullName, held: held[i]! })), now);
  await putTally(`unit:${id}`, parent ? `unit:${parent}` : null, combine(own, children.map((c) => partOf(c as unknown as Part)), now), now);
}

/** A trainer's sessions held and the distinct people who attended their sessions (not cancelled). */
export async function countTrainer(id: string, now: Date): Promise<void> {
  const sessions = await RetrainingSession.find({ trainer: id }).select(SESSION_FIELDS).lean<SessionLike[]>();
  const attendees = new Set<string>();
  for (const s of sessions.filter((x) => x.status !== 'cancelled')) {
    for (const a of await RetrainingAttendance.find({ session: s._id }).select('user').lean()) attendees.add(String(a.user));
  }
  const part = ownPart(sessions, attendees.size, [], now);
  await putTally(`trainer:${id}`, null, part, now);
}

/** How many marks one pass takes (the rest wait for the next tick). */
const MAX_MARKS = 500;

/** The incremental pass over the marks; true when any was dealt with. */
export async function countMarked(now = new Date()): Promise<boolean> {
  const marks = await RetrainingMark.find({}).limit(MAX_MARKS).lean();
  if (marks.length === 0) return false;
  const units = new Map<string, Place>();
  const trainers = new Set<string>();
  const people = new Set<string>();
  for (const m of marks) {
    for (const u of m.units ?? []) if (u.id) units.set(u.id, { id: u.id, depth: u.depth ?? 0, parent: u.parent ?? null });
    for (const t of m.trainers ?? []) trainers.add(String(t));
    for (const p of m.people ?? []) people.add(String(p));
  }
  for (const lineages of await mapLimit([...people], settlePerson, 4)) for (const u of places(lineages)) units.set(u.id, u);
  for (const u of [...units.values()].sort((a, b) => b.depth - a.depth)) await countUnit(u.id, u.parent, now);
  await mapLimit([...trainers], (t) => countTrainer(t, now), 4);
  for (const m of marks) await RetrainingMark.deleteOne({ _id: m._id });
  return true;
}

/** The marker of the last full build. */
export const BUILT = 'built';

/**
 * How often the tallies are counted again from the raw records anyway: the safety net for what
 * no mark told (a new trainer, a person disabled), as `reports:reconcile` is for the roll-ups.
 */
export const figuresLimits = { REBUILD_EVERY_MS: 60 * 60_000 };

/**
 * Whether a full build is due: none yet, people changed after the last one (a roster import, a
 * re-organised tree), or the last one is older than REBUILD_EVERY_MS.
 */
export async function buildDue(now = new Date()): Promise<boolean> {
  const built = await RetrainingTally.findOne({ key: BUILT }).select('builtAt').lean();
  if (!built) return true;
  if (now.getTime() - built.builtAt.getTime() >= figuresLimits.REBUILD_EVERY_MS) return true;
  const people = await changedAt('people');
  return Boolean(people && people > built.builtAt);
}
