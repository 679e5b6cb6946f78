/**
 * Weekly snapshots: every Monday 00:00 in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no DST) the
 * roll-ups are copied as that week's figures; the trend chart reads them. Several app
 * processes may all try: the unique key on the week's run marker lets exactly one write.
 */
import mongoose, { Schema } from 'mongoose';
import type { Figures } from './rollup.model';
import { rebuildRollups } from './rollup.service';
import { weekOf } from '../shared/vn-time';
import { insertEach } from '../db/bulk';

export { weekOf };

const runSchema = new Schema({ week: { type: String, required: true, unique: true }, at: { type: Date, required: true } }, { strict: true });
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

/** Takes this week's snapshot unless some process already did; true when this call wrote it. */
export async function takeWeeklySnapshot(now = new Date()): Promise<boolean> {
  const { label } = weekOf(now);
  try {
    await SnapshotRun.create({ week: label, at: now });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false; // another process has it
    throw err;
  }
  // The figures just built (no read-back): units and cascades; a cascade's levels have no trend.
  const built = await rebuildRollups(now);
  const docs = [...built]
    .filter(([key]) => key.startsWith('unit:') || key.startsWith('trainer:'))
    .map(([key, r]) => ({ week: label, key, people: r.people, digitalLiteracy: r.digitalLiteracy, twoLevelGovernment: r.twoLevelGovernment, compliant: r.compliant }));
  await insertEach(Snapshot, docs);
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
  const tick = () => takeWeeklySnapshot().catch((err: unknown) => log.warn({ err }, 'weekly snapshot failed; will try again'));
  const timer = setInterval(tick, everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
