/**
 * Starts the platform: validated config, database (embedded store or MONGODB_URI),
 * HTTP server, and a graceful shutdown on SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';
import net, { type Socket } from 'node:net';
import { createApp } from './app';
import { ContentInvalid, loadCatalog, type Catalog } from './courses';
import { ConfigError, loadConfig } from './config';
import { openDatabase, StoreSetupError, type Database } from './db';
import { loadDefaultTreeIfEmpty } from './org';
import { demoAccountsSummary, seedDemo } from './seed';
import { countUsers } from './accounts';
import { createLogger } from './shared/logger';
import { startMaintenance } from './shared/maintenance';
import { lifecycle } from './shared/lifecycle';
import { FEATURES, wire } from './wiring';

const SHUTDOWN_GRACE_MS = 8000;

type Config = ReturnType<typeof loadConfig>;
type Logger = ReturnType<typeof createLogger>;

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config);
  const catalog = catalogOrExit();
  const db = await databaseOrExit(config, logger);

  await prepareData(db, config, catalog, logger);
  const stopJobs = startJobs(config, catalog, logger);

  const app = createApp({ config, logger, catalog });
  const server: Server = app.listen(config.port);
  const sockets = trackSockets(server);
  const shutdown = shutdownOf(server, sockets, stopJobs, db, logger);
  // Before anything else is awaited: a signal that came while the server was still starting (a
  // slow first query on a busy machine) would otherwise end the process without a shutdown.
  // On, not once: a second signal during the shutdown (a process manager repeating itself) must not kill it half-way
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (err: Error) => {
    logger.fatal({ err }, `could not listen on port ${config.port}`);
    await db.close();
    process.exit(1);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, embeddedStore: Boolean(db.store) }, `Tiếp sức số is serving on http://localhost:${port}`);
  if (config.env !== 'production') {
    const demo = await demoAccountsSummary();
    if (demo.length > 0) console.log([`\nTiếp sức số: http://localhost:${port}`, ...demo, ''].join('\n'));
  }
}

/** The validated config; a bad one is a deployment error: refuse to start, saying what. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Invalid course content is a deployment error: refuse to start, saying where. */
function catalogOrExit(): Catalog {
  try {
    return loadCatalog();
  } catch (err) {
    if (err instanceof ContentInvalid) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function databaseOrExit(config: Config, logger: Logger): Promise<Database> {
  try {
    return await openDatabase(config, logger);
  } catch (err) {
    if (err instanceof StoreSetupError) {
      console.error(err.message);
      process.exit(1);
    }
    logger.fatal({ err }, 'could not open the database');
    process.exit(1);
  }
}

/** Before the demo and the background jobs, which complete courses and move people too. */
async function prepareData(db: Database, config: Config, catalog: Catalog, logger: Logger): Promise<void> {
  wire();
  const tree = await loadDefaultTreeIfEmpty();
  if (tree) logger.info({ created: tree.created }, 'organisation tree: default central level and provinces loaded');
  // First run on the embedded store: a demo to click through (never in production).
  if (db.store && config.env !== 'production' && (await countUsers()) === 0) {
    await seedDemo(catalog, (m) => logger.info(m));
  }
}

/** The background jobs: the store's maintenance, then each feature's (src/wiring.ts); returns what stops them all. */
function startJobs(config: Config, catalog: Catalog, logger: Logger): () => void {
  const stops = [startMaintenance(logger), ...FEATURES.map((f) => f.jobs?.({ config, catalog, logger }) ?? (() => undefined))];
  return () => stops.forEach((stop) => stop());
}

/** The open connections, so that the shutdown can say how many outlived the grace period and close them. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

/** The graceful shutdown on a signal (once, however many signals come). */
function shutdownOf(server: Server, sockets: Set<Socket>, stopJobs: () => void, db: Database, logger: Logger): (signal: string) => Promise<void> {
  let shuttingDown = false;
  return async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // No new connections (a proxy's next try goes to another process); every response now says
    // Connection: close and /readyz answers 503, so keep-alive clients leave after their answer.
    // The listener is closed without cutting the open connections (http.Server#close would
    // close those it deems idle, resetting a request a client is just sending): each closes
    // after its response, or after a second idle.
    lifecycle.draining = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    server.keepAliveTimeout = 1_000;
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    const force = setTimeout(() => {
      logger.warn({ open: sockets.size }, 'requests still open after the grace period; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(force);
    stopJobs();
    await db.close().catch((err: unknown) => logger.error({ err }, 'error while closing the database'));
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
}

main().catch((err: unknown) => {
  // A signal during the start (the demo summary's query, say) closes the database under the
  // steps still running: they fail, and the shutdown already under way ends the process with 0.
  if (lifecycle.draining) return;
  console.error(err);
  process.exit(1);
});
