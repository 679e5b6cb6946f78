/**
 * Opens the database: an existing MongoDB when MONGODB_URI is set, otherwise the
 * embedded store (built the first time, then started). Closing it stops both.
 */
import type { Logger } from 'pino';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { connectMongoose, syncIndexes } from './connection';
import { EmbeddedStore } from './embedded-store';
import { ensureStoreBinary, StoreSetupError } from './store-binary';
import { useStorePostgres } from './store-indexes';

export { pingDatabase, isDatabaseUnavailable, syncIndexes, connectMongoose } from './connection';
export { EmbeddedStore, findPostgresBinDir } from './embedded-store';
export { mirrorIndexes, useStorePostgres, storePostgres, tableOf } from './store-indexes';
export { ensureStoreBinary, StoreSetupError, storeBinaryPath } from './store-binary';
export { recheckLater, sureUpdates, sureUpdatesDone, updateSurely } from './sure-update';

export interface Database {
  uri: string;
  store: EmbeddedStore | undefined;
  close(): Promise<void>;
}

/**
 * A second app process on the same DATA_DIR must not start a second store on the same files
 * (its start would stop the running one's PostgreSQL): it is told how processes share one.
 */
async function refuseSecondStore(dataDir: string): Promise<void> {
  const running = await EmbeddedStore.findRunning(dataDir);
  if (!running) return;
  throw new StoreSetupError(
    `Another process already runs the embedded store of DATA_DIR ${dataDir} (${running.uri}). ` +
      'To run several app processes on one store, run the store on its own (npm run cli -- store:serve --port 27017) ' +
      'and give every app process MONGODB_URI=mongodb://127.0.0.1:27017/tiepsucso (deploy/README.md).',
  );
}

/**
 * `reuseRunning`: operator commands connect to the store a running server already has
 * on the same DATA_DIR, rather than starting a second process on the same files.
 */
export async function openDatabase(config: Config, logger: Logger, opts: { reuseRunning?: boolean } = {}): Promise<Database> {
  let store: EmbeddedStore | undefined;
  let uri = config.mongodbUri;
  let postgresUrl: string | undefined;
  if (!uri && opts.reuseRunning) {
    const running = await EmbeddedStore.findRunning(config.dataDir);
    uri = running?.uri;
    postgresUrl = running?.postgresUrl;
  }
  if (!uri) {
    await refuseSecondStore(config.dataDir);
    const binary = await ensureStoreBinary({
      cacheDir: config.storeCacheDir,
      envPath: config.searchPath,
      log: (msg) => logger.info(msg),
    });
    store = new EmbeddedStore({ binary, dataDir: config.dataDir, logger });
    uri = await store.start();
    postgresUrl = store.postgresUrl;
  }
  useStorePostgres(postgresUrl);
  // The embedded store's URI names no database; MongoDB's may, or gets the name from the URI or this default.
  const namesDatabase = /^mongodb(\+srv)?:\/\/[^/]+\/[^?/]+/.test(uri);
  await connectMongoose(uri, namesDatabase ? undefined : 'tiepsucso');
  await syncIndexes();
  logger.info({ embedded: Boolean(store) }, 'database connected');

  return {
    uri,
    store,
    async close() {
      await mongoose.disconnect();
      await store?.stop();
    },
  };
}
