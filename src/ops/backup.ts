/**
 * Backups of the embedded store, and their restore into a fresh DATA_DIR.
 *
 * A backup is a directory: `store.pgdump` (pg_dump, custom format, of the PostgreSQL database the
 * store keeps its collections in, taken from the running cluster in one snapshot, so it is
 * consistent while the app writes), `files/` (what else under DATA_DIR is data: prepared exports,
 * kept briefing packs…; not the store, not logs, not half-written files) and `manifest.json`
 * (date, app and PostgreSQL versions, every file's size and SHA-256). A restore checks every
 * checksum first, then makes a new cluster as the embedded store does, loads the dump with
 * pg_restore and puts the files back. With MONGODB_URI the store is MongoDB's to back up
 * (mongodump / mongorestore, docs/DEPLOY.md): the commands say so instead of pretending.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBinDir } from '../db/embedded-store';

const run = promisify(execFile);

export const MANIFEST = 'manifest.json';
export const DUMP = 'store.pgdump';
export const FILES = 'files';
const FORMAT = 'tiep-suc-so-backup';

/** A refusal an operator can act on: the CLI prints its message, never a stack. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: 1;
  createdAt: string;
  appVersion: string;
  postgres: string;
  dataDir: string;
  entries: ManifestEntry[];
}

export const MONGODB_BACKUP_MESSAGE =
  'MONGODB_URI is set: the data is in that MongoDB, which this command does not back up or restore. Use mongodump / mongorestore as docs/DEPLOY.md ("Backups on MongoDB") shows; back up DATA_DIR\'s files (exports, briefings) with them.';

/** Every host of the connection string is this machine (`store:serve`'s store, as deploy/env.example sets it). */
export function namesOnlyLoopback(uri: string): boolean {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  if (!m) return false;
  return m[1]!.split(',').every((h) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(h));
}

/**
 * Under DATA_DIR, what is not data: the store (dumped instead), logs, files being written, and the
 * caches a server keeps there (the store's program in `cache/`, Go's modules in `go/` when DATA_DIR is the
 * service user's home, hidden directories such as `.cache` or `.npm`).
 */
function isData(relative: string): boolean {
  const top = relative.split(path.sep)[0] ?? '';
  if (['store', 'logs', 'cache', 'go'].includes(top) || top.startsWith('.')) return false;
  return !/\.(log|part|tmp)$/.test(relative);
}

/** Every regular file under `dir`, relative to it (symbolic links are not followed). */
function filesUnder(dir: string, keep: (relative: string) => boolean, prefix = ''): string[] {
  if (!fs.existsSync(path.join(dir, prefix))) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (!keep(rel)) continue;
    if (e.isDirectory()) out.push(...filesUnder(dir, keep, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function entryOf(root: string, rel: string): Promise<ManifestEntry> {
  const file = path.join(root, rel);
  return { path: rel.split(path.sep).join('/'), bytes: fs.statSync(file).size, sha256: await sha256Of(file) };
}

function postgresTool(name: 'pg_dump' | 'pg_restore', searchPath: string | undefined): string {
  const binDir = findPostgresBinDir(searchPath);
  if (!binDir) throw new BackupError('PostgreSQL\'s programs (pg_dump, pg_restore) are not on this machine: apt-get install postgresql.');
  return path.join(binDir, name);
}

/** A tool's error output, trimmed: what the operator needs to read. */
function toolError(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim();
}

/** The backup directory: made if missing, refused if it holds anything. */
function emptyTarget(dir: string): void {
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new BackupError(`${dir} is not an empty directory: give a new directory for each backup (e.g. /var/backups/tiep-suc-so/$(date +%F-%H%M)).`);
  }
  fs.mkdirSync(dir, { recursive: true });
}

/**
 * Backs up the running embedded store (`postgresUrl`, from the store's running state) and
 * DATA_DIR's data files into `dir`, which must be new or empty. Returns the manifest.
 */
export async function backup(opts: { dataDir: string; postgresUrl: string; dir: string; appVersion: string; searchPath?: string }): Promise<Manifest> {
  const dir = path.resolve(opts.dir);
  if (dir === path.resolve(opts.dataDir) || dir.startsWith(path.resolve(opts.dataDir) + path.sep)) {
    throw new BackupError(`${dir} is inside DATA_DIR (${opts.dataDir}): keep backups elsewhere, ideally on another disk and another machine.`);
  }
  emptyTarget(dir);
  const pgDump = postgresTool('pg_dump', opts.searchPath);
  try {
    // one transaction snapshot (pg_dump's own): consistent while the app writes
    await run(pgDump, ['--format=custom', '--no-owner', '--file', path.join(dir, DUMP), '--dbname', opts.postgresUrl], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new BackupError(`pg_dump failed:\n${toolError(err)}`);
  }
  const files = filesUnder(opts.dataDir, isData);
  for (const rel of files) {
    const target = path.join(dir, FILES, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    try {
      fs.copyFileSync(path.join(opts.dataDir, rel), target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // an export deleted meanwhile is not data any more
    }
  }
  const entries = [await entryOf(dir, DUMP)];
  for (const rel of filesUnder(path.join(dir, FILES), () => true)) entries.push(await entryOf(dir, path.join(FILES, rel)));
  const { stdout } = await run(pgDump, ['--version']);
  const manifest: Manifest = {
    format: FORMAT,
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    appVersion: opts.appVersion,
    postgres: stdout.trim(),
    dataDir: path.resolve(opts.dataDir),
    entries,
  };
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of the backup in `dir`, with every file's size and checksum verified; a refusal says what is wrong. */
export async function verifyBackup(dir: string): Promise<Manifest> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupError(`${dir}: no such backup directory.`);
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new BackupError(`${dir} is not a backup: ${MANIFEST} is missing.`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${file} is damaged (not valid JSON): this backup cannot be trusted.`);
  }
  const entries = manifest?.format === FORMAT && Array.isArray(manifest.entries) ? manifest.entries : undefined;
  if (!entries || !entries.some((e) => e?.path === DUMP)) throw new BackupError(`${file} is not a Tiếp sức số backup manifest, or it is damaged.`);
  for (const e of entries) {
    const rel = String(e?.path ?? '');
    const target = path.resolve(dir, rel);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new BackupError(`${file} names a file outside the backup (${rel}): refused.`);
    if (!fs.existsSync(target)) throw new BackupError(`${rel} is missing from the backup.`);
    if (fs.statSync(target).size !== e.bytes || (await sha256Of(target)) !== e.sha256) {
      throw new BackupError(`${rel} does not match its checksum in ${MANIFEST}: the backup is damaged; use another one.`);
    }
  }
  return manifest;
}

/** A store started on the DATA_DIR being restored: its PostgreSQL address, and how to stop it. */
export interface FreshStore {
  postgresUrl: string;
  stop(): Promise<void>;
}

/**
 * Restores the backup in `dir` into DATA_DIR: refused when DATA_DIR already has a store (unless
 * `force`, and never while a store runs on it). `startStore` makes and starts a new cluster on
 * DATA_DIR as the app does; the dump is loaded into it, then it is stopped.
 */
export async function restore(opts: {
  dir: string;
  dataDir: string;
  force: boolean;
  searchPath?: string;
  storeRunning: () => Promise<boolean>;
  startStore: () => Promise<FreshStore>;
}): Promise<Manifest> {
  const manifest = await verifyBackup(opts.dir);
  const storeDir = path.join(opts.dataDir, 'store');
  if (fs.existsSync(path.join(storeDir, 'pg', 'PG_VERSION'))) {
    if (!opts.force) throw new BackupError(`${opts.dataDir} already has a store: restore into a new DATA_DIR, or add --force to replace it (its data is lost).`);
    if (await opts.storeRunning()) throw new BackupError(`a store is running on ${opts.dataDir}: stop the app (every instance) before replacing its data.`);
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const store = await opts.startStore();
  try {
    await run(postgresTool('pg_restore', opts.searchPath), ['--no-owner', '--exit-on-error', '--dbname', store.postgresUrl, path.join(opts.dir, DUMP)], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new BackupError(`pg_restore failed:\n${toolError(err)}`);
  } finally {
    await store.stop();
  }
  for (const e of manifest.entries) {
    if (!e.path.startsWith(`${FILES}/`)) continue;
    const target = path.join(opts.dataDir, e.path.slice(FILES.length + 1));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(opts.dir, e.path), target);
  }
  return manifest;
}
