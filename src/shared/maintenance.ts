/**
 * Periodic clean-up the embedded store cannot do by itself (no TTL indexes): expired
 * sessions and sign-in counters; and the embedded store's indexes of collections made since
 * the start. Idempotent, so several app processes may all run it.
 */
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { mirrorIndexes } from '../db/store-indexes';
import { deleteExpiredRateLimits } from './rate-limit';
import { deleteExpiredSessions } from './session';
import { runJob } from './metrics';

export const MAINTENANCE_INTERVAL_MS = 10 * 60 * 1000;

export async function runMaintenance(now = new Date()): Promise<{ sessions: number; rateLimits: number }> {
  const [sessions, rateLimits] = await Promise.all([deleteExpiredSessions(now), deleteExpiredRateLimits(now)]);
  // collections made since the start (sessions, sign-in counters…) get their store indexes too
  if (mongoose.connection.db) await mirrorIndexes(mongoose.connection.db.databaseName);
  return { sessions, rateLimits };
}

export function startMaintenance(logger: Logger): () => void {
  const timer = setInterval(() => {
    runJob('maintenance', () => runMaintenance()).then(
      (r) => logger.debug(r, 'maintenance: expired records deleted'),
      (err: unknown) => logger.warn({ err }, 'maintenance failed; will try again'),
    );
  }, MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
