/**
 * What the two-process test (test/ops) reads and sets directly in the store: the weekly
 * snapshot's run records and rows, and stored sessions (the maintenance deletes expired ones).
 */
import mongoose from 'mongoose';
import { Snapshot, SnapshotRun } from '../../src/reports/snapshot';
import { SESSIONS_COLLECTION } from '../../src/shared/session';

/** The run records of a week's snapshot (one is right; the unique key allows no more). */
export async function snapshotRunsOf(week: string): Promise<{ state?: string | null }[]> {
  return SnapshotRun.find({ week }).lean();
}

/** The week's snapshot rows: how many, and how many different keys. */
export async function snapshotRowsOf(week: string): Promise<{ rows: number; keys: number }> {
  const rows = await Snapshot.find({ week }).select('key').lean();
  return { rows: rows.length, keys: new Set(rows.map((r) => r.key)).size };
}

/** Stored sessions (as connect-mongo writes them) expiring at `expires`; returns their ids. */
export async function writeSessions(n: number, expires: Date, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await mongoose.connection.db!.collection(SESSIONS_COLLECTION).insertMany(ids.map((_id) => ({ _id, expires, session: { cookie: { originalMaxAge: 7_200_000 } } })) as never[]);
  return ids;
}

/** How many stored sessions expire before `at`. */
export async function countSessionsExpiringBefore(at: Date): Promise<number> {
  return mongoose.connection.db!.collection(SESSIONS_COLLECTION).countDocuments({ expires: { $lt: at } });
}

/** How many of these sessions are still stored. */
export async function countSessions(ids: string[]): Promise<number> {
  return mongoose.connection.db!.collection(SESSIONS_COLLECTION).countDocuments({ _id: { $in: ids } } as never);
}
