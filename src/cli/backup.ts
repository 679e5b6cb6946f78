/**
 * `backup DIR`, `backup:verify DIR` and `restore DIR [--force]` (src/ops/backup.ts) for the
 * embedded store: the one the app starts itself, or the one `store:serve` runs for several app
 * processes, which reach it through a loopback MONGODB_URI. A MONGODB_URI naming another server
 * (a replica set) is MongoDB's to back up: the commands say so (mongodump, docs/DEPLOY.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { EmbeddedStore, ensureStoreBinary, storePostgres } from '../db';
import { backup, MONGODB_BACKUP_MESSAGE, namesOnlyLoopback, restore, verifyBackup, type FreshStore } from '../ops';
import { createLogger } from '../shared/logger';
import { projectRoot } from '../shared/paths';

type WithDatabase = <T>(fn: () => Promise<T>) => Promise<T>;

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

async function backupCommand(dir: string, withDatabase: WithDatabase): Promise<void> {
  const config = loadConfig();
  const running = await EmbeddedStore.findRunning(config.dataDir);
  if (config.mongodbUri && !running) {
    console.error(namesOnlyLoopback(config.mongodbUri)
      ? `No embedded store runs on DATA_DIR ${config.dataDir}: a backup is taken from the running store (systemctl start tiep-suc-so-store), or check DATA_DIR.`
      : MONGODB_BACKUP_MESSAGE);
    process.exitCode = 1;
    return;
  }
  const take = async (postgresUrl: string) => {
    const m = await backup({ dataDir: config.dataDir, postgresUrl, dir, appVersion: appVersion(), searchPath: config.searchPath });
    const bytes = m.entries.reduce((n, e) => n + e.bytes, 0);
    console.log(`backup written to ${path.resolve(dir)}: the store and ${m.entries.length - 1} file(s), ${megabytes(bytes)}; check it with: npm run cli -- backup:verify ${dir}`);
  };
  if (running?.postgresUrl) await take(running.postgresUrl);
  else await withDatabase(() => take(storePostgres()!)); // nothing runs: the store is started for the backup
}

/** Makes and starts a store on DATA_DIR as the app does (restore loads the dump into it, then stops it). */
async function freshStore(config: Config): Promise<FreshStore> {
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (msg) => logger.info(msg) });
  const store = new EmbeddedStore({ binary, dataDir: config.dataDir, logger, restart: false });
  await store.start();
  return { postgresUrl: store.postgresUrl, stop: () => store.stop() };
}

async function restoreCommand(dir: string, opts: { force?: boolean }): Promise<void> {
  const config = loadConfig();
  if (config.mongodbUri && !namesOnlyLoopback(config.mongodbUri)) {
    console.error(MONGODB_BACKUP_MESSAGE);
    process.exitCode = 1;
    return;
  }
  const m = await restore({
    dir,
    dataDir: config.dataDir,
    force: Boolean(opts.force),
    searchPath: config.searchPath,
    storeRunning: async () => Boolean(await EmbeddedStore.findRunning(config.dataDir)),
    startStore: () => freshStore(config),
  });
  console.log(`restored the backup of ${m.createdAt} (app ${m.appVersion}) into ${config.dataDir}: start the store and the app on it`);
}

export function registerBackupCommands(program: Command, withDatabase: WithDatabase): void {
  program
    .command('backup')
    .argument('<dir>', 'a new (or empty) directory for this backup, outside DATA_DIR')
    .description('back up the embedded store (pg_dump, consistent while the app runs) and DATA_DIR\'s data files, with a manifest of checksums')
    .action((dir: string) => backupCommand(dir, withDatabase));

  program
    .command('backup:verify')
    .argument('<dir>', 'a backup directory')
    .description('check a backup\'s manifest and every file\'s checksum, without restoring it')
    .action(async (dir: string) => {
      const m = await verifyBackup(dir);
      console.log(`backup of ${m.createdAt} (app ${m.appVersion}, ${m.postgres}): ${m.entries.length} file(s), every checksum matches`);
    });

  program
    .command('restore')
    .argument('<dir>', 'a backup directory made by `backup`')
    .option('--force', 'replace the store DATA_DIR already has (its data is lost); the store and the app must be stopped')
    .description('restore a backup into DATA_DIR (a fresh one unless --force): checks every checksum, makes a new store, loads the dump, puts the files back')
    .action(restoreCommand);
}
