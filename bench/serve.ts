/**
 * The app as the benchmarks run it: its own process (so that the load generator does not share
 * its event loop), production settings, the periodic jobs of src/server.ts, and sign-in limits
 * raised so that the benchmark can sign in many synthetic people from one address.
 * Usage: tsx bench/serve.ts <mongodb-uri> <database> [postgres-url]; prints "PORT <n>".
 */
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loadCatalog } from '../src/courses';
import { connectMongoose, useStorePostgres } from '../src/db';
import { createLogger } from '../src/shared/logger';
import { startMaintenance } from '../src/shared/maintenance';
import { giveAuditEntriesTheirSlots } from '../src/audit';
import { FEATURES, wire } from '../src/wiring';

async function main(): Promise<void> {
  const [uri, dbName, postgresUrl] = process.argv.slice(2);
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    BASE_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'warn',
    MONGODB_URI: uri,
    DATA_DIR: process.env.BENCH_APP_DATA_DIR ?? '/tmp/tss-bench-app', // large exports are prepared in its exports/
    PATH: process.env.PATH,
  });
  const logger = createLogger(config);
  await connectMongoose(uri!, dbName);
  useStorePostgres(postgresUrl);
  const catalog = loadCatalog();
  await giveAuditEntriesTheirSlots(); // as the server does at start, but finished before the measurements
  wire(); // before the jobs, which complete courses and move people, as src/server.ts does
  // the server's jobs, as src/server.ts starts them: the store's maintenance, then each feature's
  startMaintenance(logger);
  for (const feature of FEATURES) feature.jobs?.({ config, catalog, logger });
  const app = createApp({ config, logger, catalog, loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`PORT ${typeof address === 'object' && address ? address.port : 0}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

void main();
