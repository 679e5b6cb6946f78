/**
 * Once per test run: build the app (for tests that start it as a process) and start
 * one embedded store that every test file shares, each with its own database.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { EmbeddedStore, ensureStoreBinary } from '../../src/db';
import { projectRoot } from '../../src/shared/paths';

declare global {
  var __STORE__: EmbeddedStore | undefined;
  var __STORE_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });

  const config = loadConfig({ NODE_ENV: 'test', PATH: process.env.PATH });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (m) => logger.warn(m) });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-test-store-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  process.env.TEST_MONGODB_URI = await store.start();
  process.env.TEST_STORE_BINARY = binary;
  process.env.TEST_POSTGRES_URL = store.postgresUrl;
  globalThis.__STORE__ = store;
  globalThis.__STORE_DIR__ = dataDir;
}
