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
import { startExportWorker, startRollupJob, startSnapshotJob } from '../src/reports';
import { giveAuditEntriesTheirSlots } from '../src/audit';
import { warmFieldSummaries } from '../src/fieldreports';
import { startSettleJob } from '../src/quizzes';

async function main(): Promise<void> {
  const [uri, dbName, postgresUrl] = process.argv.slice(2);
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    BASE_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'warn',
    MONGODB_URI: uri,
    PATH: process.env.PATH,
  });
  const logger = createLogger(config);
  await connectMongoose(uri!, dbName);
  useStorePostgres(postgresUrl);
  const catalog = loadCatalog();
  startMaintenance(logger);
  startRollupJob(logger);
  startSnapshotJob(logger);
  startExportWorker(`${process.env.BENCH_EXPORT_DIR ?? '/tmp/tss-bench-exports'}`, logger);
  warmFieldSummaries(logger);
  await giveAuditEntriesTheirSlots(); // as the server does at start (here before the measurements)
  startSettleJob(catalog, logger);
  const app = createApp({ config, logger, catalog, loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`PORT ${typeof address === 'object' && address ? address.port : 0}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

void main();
