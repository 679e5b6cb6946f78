/**
 * Weekly snapshots: every Monday 00:00 in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no DST) the
 * roll-ups are copied as that week's figures; the trend chart reads them. Several app
 * processes may all try. No transactions (STORE.md), so:
 * - the week's run record is claimed by a unique-key insert (one process wins) with the state
 *   `running`, and marked `done` only after the snapshot rows are written;
 * - a run that fails gives its claim back, so the next tick (of any process) tries again; a
 *   claim left `running` by a process that stopped is taken over once it is older than
 *   CLAIM_LEASE_MS (the stale claim is deleted by its exact `at`, then claimed anew by insert);
 * - the rows' own unique key (week, key) keeps one set even if two runs overlap.
 */
import mongoose, { Schema } from 'mongoose';
import type { Figures } from './rollup.model';
import { rebuildRollups } from './rollup.service';
import { weekOf } from '../shared/vn-time';
import { insertEach } from '../db/bulk';
import { runJob } from '../shared/metrics';

export { weekOf };

/** How long a claimed run may go on before another process may take the week over (far above a national rebuild). */
export const CLAIM_LEASE_MS = 30 * 60_000;

// `state` missing: a run recorded before runs had states (its marker was written first): done.
const runSchema = new Schema(
  { week: { type: String, required: true, unique: true }, at: { type: Date, required: true }, state: { type: String, enum: ['running', 'done'] }, doneAt: Date },
  { strict: true },
);
export const SnapshotRun = mongoose.model('SnapshotRun', runSchema);

const snapshotSchema = new Schema(
  {
    week: { type: String, required: true },
    key: { type: String, required: true },
    people: Number,
    digitalLiteracy: Number,
    twoLevelGovernment: Number,
    compliant: Number,
  },
  { strict: true },
);
snapshotSchema.index({ week: 1, key: 1 }, { unique: true });
snapshotSchema.index({ key: 1, week: 1 });
export const Snapshot = mongoose.model('Snapshot', snapshotSchema);

/** Inserts the week's claim; true when this call made it (the unique key refuses a second). */
async function insertClaim(week: string, at: Date): Promise<boolean> {
  const { duplicates } = await insertEach(SnapshotRun, [{ week, at, state: 'running' }]);
  return !duplicates;
}

/** Claims the week for this run: free, or held by a run that stopped long ago. False when done or in hand elsewhere. */
async function claimWeek(week: string, now: Date): Promise<boolean> {
  if (await insertClaim(week, now)) return true;
  const run = await SnapshotRun.findOne({ week }).lean();
  if (!run) return insertClaim(week, now); // given back a moment ago
  if (run.state !== 'running' || now.getTime() - run.at.getTime() < CLAIM_LEASE_MS) return false;
  await SnapshotRun.deleteOne({ week, at: run.at }); // a second process taking over deletes nothing
  return insertClaim(week, now);
}

/** The week's rows from the figures just built (no read-back): units and cascades; a cascade's levels have no trend. */
async function writeSnapshot(week: string, now: Date): Promise<void> {
  const built = await rebuildRollups(now);
  const docs = [...built]
    .filter(([key]) => key.startsWith('unit:') || key.startsWith('trainer:'))
    .map(([key, r]) => ({ week, key, people: r.people, digitalLiteracy: r.digitalLiteracy, twoLevelGovernment: r.twoLevelGovernment, compliant: r.compliant }));
  await Snapshot.deleteMany({ week }); // what a failed run left: the week is one moment's figures
  await insertEach(Snapshot, docs);
}

/** Takes this week's snapshot unless it is taken or being taken; true when this call took it. A failure gives the week back. */
export async function takeWeeklySnapshot(now = new Date()): Promise<boolean> {
  const { label } = weekOf(now);
  if (!(await claimWeek(label, now))) return false;
  try {
    await writeSnapshot(label, now);
  } catch (err) {
    await SnapshotRun.deleteOne({ week: label, at: now }).catch(() => undefined); // else the lease ends it
    throw err;
  }
  await SnapshotRun.updateOne({ week: label, at: now }, { $set: { state: 'done', doneAt: new Date() } });
  return true;
}

/** The last `weeks` snapshots of one roll-up key, oldest first. */
export async function trendOf(key: string, weeks = 12): Promise<({ week: string } & Figures)[]> {
  const rows = await Snapshot.find({ key }).sort({ week: -1 }).limit(weeks).lean();
  return rows
    .map((r) => ({ week: r.week, people: r.people ?? 0, digitalLiteracy: r.digitalLiteracy ?? 0, twoLevelGovernment: r.twoLevelGovernment ?? 0, compliant: r.compliant ?? 0 }))
    .reverse();
}

/** Checks every few minutes; the first check after Monday 00:00 takes the week's snapshot. */
export function startSnapshotJob(log: { warn: (o: object, m: string) => void }, everyMs = 5 * 60_000): () => void {
  const tick = () => runJob('reports.snapshot', () => takeWeeklySnapshot()).catch((err: unknown) => log.warn({ err }, 'weekly snapshot failed; will try again'));
  const timer = setInterval(tick, everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
