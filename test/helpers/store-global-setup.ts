/**
 * Global setup of `npm run test:store` (jest.store.config.js): with MONGODB_URI set, the tests
 * run against that MongoDB, each file in a throwaway database of its own (`t_…`, dropped at the
 * file's end; the app's database is never opened); unset, an embedded store is started as in
 * `npm test`. Nothing is built: these tests need no dist/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { EmbeddedStore, ensureStoreBinary } from '../../src/db';

/** The URI with its password hidden, for the banner. */
export function redactedUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export default async function storeGlobalSetup(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', PATH: process.env.PATH, MONGODB_URI: process.env.MONGODB_URI });
  if (config.mongodbUri) {
    process.env.TEST_MONGODB_URI = config.mongodbUri;
    delete process.env.TEST_POSTGRES_URL;
    console.log(
      [
        '',
        '================================================================================',
        ` STORE TESTS AGAINST ${redactedUri(config.mongodbUri)}`,
        ' Each test file writes only to a throwaway database of its own, named t_<file>_<random>,',
        ' and drops it at its end. The app\'s database is never opened. The account needs the',
        ' right to create and drop databases (readWriteAnyDatabase, or dbAdmin on t_*).',
        '================================================================================',
        '',
      ].join('\n'),
    );
    return;
  }
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (m) => logger.warn(m) });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-store-test-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  process.env.TEST_MONGODB_URI = await store.start();
  process.env.TEST_STORE_BINARY = binary;
  process.env.TEST_POSTGRES_URL = store.postgresUrl;
  globalThis.__STORE__ = store;
  globalThis.__STORE_DIR__ = dataDir;
}
