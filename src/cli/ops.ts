/**
 * Operator commands for running several app processes on one server:
 * - `store:serve`: the embedded store on its own, in the foreground (the systemd unit
 *   deploy/tiep-suc-so-store.service), so that no app process owns it and a crash of one
 *   takes nothing from the others; the app processes reach it with MONGODB_URI;
 * - `jobs:run`: one run of a scheduled job now, at a given moment (`--now`), as any app
 *   process would run it: how the two-process test drives the weekly snapshot and the
 *   maintenance from two processes at once without waiting for Monday.
 */
import type { Command } from 'commander';
import mongoose from 'mongoose';
import { z } from 'zod';
import { loadConfig } from '../config';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, mirrorIndexes, syncIndexes, useStorePostgres } from '../db';
import { takeWeeklySnapshot, weekOf } from '../reports';
import { createLogger } from '../shared/logger';
import { MAINTENANCE_INTERVAL_MS, runMaintenance } from '../shared/maintenance';
import { wire } from '../wiring';

/** The database name the app uses on the embedded store (src/db/index.ts). */
export const STORE_DATABASE = 'tiepsucso';

const portOption = z.coerce.number().int().min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535');
const nowOption = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date and time such as 2026-12-07T00:05:00+07:00');
const JOBS = ['snapshot', 'maintenance'] as const;

/** The option's value, or an error naming it with what is expected. */
function option<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Runs the embedded store until SIGTERM/SIGINT; its indexes are made, and mirrored again every 10 minutes. */
async function serveStore(rawPort: string | undefined): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  if (config.mongodbUri) throw new Error('store:serve runs the embedded store; MONGODB_URI names another database: unset it for this command');
  const port = rawPort === undefined ? undefined : option(portOption, rawPort, '--port');
  const running = await EmbeddedStore.findRunning(config.dataDir);
  if (running) throw new Error(`the embedded store of DATA_DIR ${config.dataDir} already runs at ${running.uri}`);
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (m) => logger.info(m) });
  const store = new EmbeddedStore({ binary, dataDir: config.dataDir, logger, port });
  const uri = await store.start();
  useStorePostgres(store.postgresUrl);
  wire(); // every feature's models, so that their collections and indexes exist before an app process starts
  await connectMongoose(uri, STORE_DATABASE);
  await syncIndexes();
  // collections the app processes make later (sessions…) get their store indexes too
  const timer = setInterval(() => {
    mirrorIndexes(STORE_DATABASE).catch((err: unknown) => logger.warn({ err }, 'store indexes: will try again'));
  }, MAINTENANCE_INTERVAL_MS);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    logger.info({ signal }, 'store: stopping');
    await mongoose.disconnect().catch(() => undefined);
    await store.stop();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  logger.info({ uri: `${uri}${STORE_DATABASE}`, dataDir: config.dataDir }, 'store: serving; app processes use MONGODB_URI');
}

/** One run of a job at `now`; prints what it did. */
async function runJob(job: (typeof JOBS)[number], now: Date): Promise<void> {
  if (job === 'snapshot') {
    const took = await takeWeeklySnapshot(now);
    console.log(`snapshot ${weekOf(now).label}: ${took ? 'taken' : 'already taken or being taken'}`);
    return;
  }
  const { sessions, rateLimits } = await runMaintenance(now);
  console.log(`maintenance: ${sessions} expired session(s), ${rateLimits} expired sign-in counter(s) deleted`);
}

/** Adds `store:serve` and `jobs:run` to the CLI; `withDatabase` opens the database as every command does. */
export function registerOpsCommands(program: Command, withDatabase: <T>(fn: () => Promise<T>) => Promise<T>): void {
  program
    .command('store:serve')
    .description('run the embedded store on its own (foreground, until SIGTERM) for several app processes, which use MONGODB_URI=mongodb://127.0.0.1:PORT/tiepsucso')
    .option('--port <port>', 'loopback port to listen on (fixed, so the app processes\' MONGODB_URI stays valid across restarts)')
    .action(async (raw: { port?: string }) => {
      await serveStore(raw.port);
    });

  program
    .command('jobs:run')
    .argument('<job>', JOBS.join(' | '))
    .description('run one scheduled job once now, as an app process would (the weekly snapshot of the week of --now; the maintenance)')
    .option('--now <date>', 'the moment the job runs at (ISO 8601, default: now)')
    .action(async (rawJob: string, raw: { now?: string }) => {
      const job = option(z.enum(JOBS, { error: `must be one of ${JOBS.join(', ')}` }), rawJob, 'job');
      const now = raw.now === undefined ? new Date() : new Date(option(nowOption, raw.now, '--now'));
      await withDatabase(() => runJob(job, now));
    });
}
