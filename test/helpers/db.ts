/**
 * Each test file gets its own database on the run's shared embedded store,
 * dropped when the file ends.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose, syncIndexes, useStorePostgres } from '../../src/db';
import { wire } from '../../src/wiring';

export function testStoreUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global setup starts the store)');
  // the GIN indexes that make the store use its indexes (src/db/store-indexes.ts)
  useStorePostgres(process.env.TEST_POSTGRES_URL);
  return uri;
}

/**
 * True on the embedded store (FerretDB on PostgreSQL), false on a MongoDB named by MONGODB_URI
 * (`npm run test:store`): tests of the embedded store's own gaps and indexes say which they expect.
 */
export function onEmbeddedStore(): boolean {
  return Boolean(process.env.TEST_POSTGRES_URL);
}

export function uniqueDbName(testFile: string): string {
  const base = path.basename(testFile).replace(/\W+/g, '_').slice(0, 30);
  return `t_${base}_${randomBytes(3).toString('hex')}`;
}

/**
 * Connects mongoose to a fresh database for this test file (beforeAll / afterAll), with the
 * features wired as in every process of the app (src/wiring.ts), so that a service called
 * directly has its listeners.
 */
export function useTestDatabase(testFile: string): { name: string } {
  const state = { name: uniqueDbName(testFile) };
  beforeAll(async () => {
    wire();
    await connectMongoose(testStoreUri(), state.name);
    await syncIndexes();
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });
  return state;
}
