/**
 * mongoose, configured the same way for MongoDB and the embedded store:
 * filters sanitised, unknown filter fields rejected, no index built behind our back,
 * failures fast instead of queued (so a database outage answers 503 quickly).
 */
import mongoose from 'mongoose';
import { watchDatabaseCommands } from '../shared/metrics';
import { mirrorIndexes } from './store-indexes';

mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', false);
// No buffering: with the store down, a query fails after serverSelectionTimeoutMS instead of hanging.
mongoose.set('bufferCommands', false);

export const SERVER_SELECTION_TIMEOUT_MS = 2000;

export async function connectMongoose(uri: string, dbName?: string): Promise<typeof mongoose> {
  const connected = await mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    heartbeatFrequencyMS: 2000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: 30000,
    maxPoolSize: 20,
    // the driver's command events give the database latency of /metrics (src/shared/metrics.ts)
    monitorCommands: true,
  });
  watchDatabaseCommands(connected.connection.getClient());
  return connected;
}

/**
 * Creates every declared index of every registered model. An index the store cannot
 * build (TTL, text, partial… on FerretDB) throws here, at start, not later.
 */
export async function syncIndexes(conn: mongoose.Connection = mongoose.connection): Promise<void> {
  for (const name of conn.modelNames()) {
    const model = conn.model(name);
    await model.createCollection().catch((err: { codeName?: string; code?: number }) => {
      if (err.codeName !== 'NamespaceExists' && err.code !== 48) throw err;
    });
    try {
      await model.createIndexes();
    } catch (err) {
      throw new Error(`Index sync failed for model ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  // On the embedded store, the GIN indexes that make FerretDB's pushed-down filters fast.
  if (conn.db) await mirrorIndexes(conn.db.databaseName);
}

/** True when the database answers a ping within `timeoutMs`. */
export async function pingDatabase(conn: mongoose.Connection = mongoose.connection, timeoutMs = 1500): Promise<{ ok: boolean; reason?: string }> {
  if (conn.readyState !== mongoose.ConnectionStates.connected || !conn.db) {
    return { ok: false, reason: `database connection is ${mongoose.ConnectionStates[conn.readyState] ?? 'unknown'}` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // a query, not a ping: it goes through the app's pool to the store's database
      conn.db.collection('units').findOne({ _id: 'readyz-probe' as never }, { maxTimeMS: timeoutMs }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `database does not answer: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Errors that mean "the database is unreachable right now" (answer 503, not 500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const name = (err as { name?: string }).name ?? '';
  return [
    'MongoServerSelectionError',
    'MongooseServerSelectionError',
    'MongoNetworkError',
    'MongoNetworkTimeoutError',
    'MongoNotConnectedError',
    'MongoTopologyClosedError',
    'MongoPoolClearedError',
  ].includes(name) ||
    /before initial connection|Client must be connected/i.test((err as Error).message ?? '') ||
    // the embedded store cancelled a query that ran past its statement timeout: busy, not broken
    /canceling statement due to statement timeout/.test((err as Error).message ?? '');
}
