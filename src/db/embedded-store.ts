/**
 * The embedded store's lifecycle: PostgreSQL (the machine's binaries) with FerretDB v1 in
 * front of it, both run by one supervisor process (tools/ferretdb/main.go) with their files
 * under DATA_DIR/store. We make the PostgreSQL cluster once (initdb, as an unprivileged user
 * when we run as root), clear what a crash left behind, start the supervisor, wait until it
 * answers a ping, restart it if it dies and stop it on shutdown. The supervisor exits by
 * itself when our stdin pipe closes, and PostgreSQL gets a parent-death signal, so neither
 * outlives the app, even one killed with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { StoreSetupError } from './store-binary';

export interface EmbeddedStoreOptions {
  binary: string;
  /** The store's files go to `<dataDir>/store/` (PostgreSQL's cluster in `store/pg`). */
  dataDir: string;
  logger: Logger;
  /** Restart the process when it dies unexpectedly (default true). */
  restart?: boolean;
  startTimeoutMs?: number;
  /** Directory of PostgreSQL's server binaries; found on the machine when unset. */
  postgresBinDir?: string;
  /**
   * The loopback port the store listens on; unset: any free port. A fixed one (`store:serve
   * --port`) keeps the URI the app processes were given valid across restarts of the store.
   */
  port?: number;
}

/** PostgreSQL settings for an embedded store on a small machine (2 cores, a few GB free). */
const POSTGRES_SETTINGS = [
  'shared_buffers=512MB',
  'work_mem=16MB',
  'maintenance_work_mem=256MB',
  'effective_cache_size=4GB',
  'max_wal_size=512MB',
  'min_wal_size=80MB',
  // JIT compiles plans of "expensive" queries; on FerretDB's jsonb scans it costs more than it saves.
  'jit=off',
  'random_page_cost=1.1',
  'log_min_messages=warning',
  'log_checkpoints=off',
  // no statement text or key values (personal data) in the log
  'log_min_error_statement=panic',
  'log_error_verbosity=terse',
];

/** FerretDB's PostgreSQL pool; mongoose's pool per app process is 20. */
export const STORE_POOL_MAX_CONNS = 40;
/** Slightly above the driver's socket timeout (30 s), so that a query the app gave up on is cancelled. */
export const STORE_STATEMENT_TIMEOUT = '35s';

interface RunningState {
  pid?: number;
  uri?: string;
  postgresUrl?: string;
}

export class EmbeddedStore {
  private child: ChildProcess | undefined;
  private port = 0;
  private pgPort = 0;
  private pgUrl = '';
  private stopping = false;
  private restarting = false;
  private readonly log: Logger;

  constructor(private readonly opts: EmbeddedStoreOptions) {
    this.log = opts.logger.child({ component: 'embedded-store' });
    this.port = opts.port ?? 0;
  }

  /** The MongoDB URI of the running store (stable across restarts). */
  get uri(): string {
    if (!this.port) throw new Error('embedded store not started');
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  /** A plain PostgreSQL URL of the store's database (for the GIN indexes FerretDB cannot make). */
  get postgresUrl(): string {
    if (!this.pgUrl) throw new Error('embedded store not started');
    return this.pgUrl;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get storeDir(): string {
    return path.join(this.opts.dataDir, 'store');
  }

  get postgresDir(): string {
    return path.join(this.storeDir, 'pg');
  }

  /** Written while the store runs, so that operator commands use it instead of starting another. */
  static stateFile(dataDir: string): string {
    return path.join(dataDir, 'store', 'running.json');
  }

  async start(): Promise<string> {
    this.stopping = false;
    await this.spawnOnce();
    return this.uri;
  }

  /** SIGTERM (the supervisor stops FerretDB, then PostgreSQL), SIGKILL after 30 s. Never restarts afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(EmbeddedStore.stateFile(this.opts.dataDir), { force: true });
    this.log.info({ pid: child.pid }, 'embedded store stopped');
  }

  private async spawnOnce(): Promise<void> {
    const pg = preparePostgres({ dir: this.postgresDir, storeDir: this.storeDir, binDir: this.opts.postgresBinDir, log: this.log });
    await clearStalePostmaster(this.postgresDir, this.log);
    if (!this.pgPort) this.pgPort = await freePort();

    const child = spawn(this.opts.binary, this.storeArgs(pg), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.forwardStderr(child);

    const startTimeout = this.opts.startTimeoutMs ?? 90000;
    this.port = await this.listening(child, startTimeout);
    await this.waitForPing(startTimeout);
    this.log.info({ pid: child.pid, port: this.port, postgresPort: this.pgPort, dir: this.storeDir }, 'embedded store ready');
    const state: RunningState = { pid: child.pid, uri: this.uri, postgresUrl: this.pgUrl };
    fs.writeFileSync(EmbeddedStore.stateFile(this.opts.dataDir), JSON.stringify(state));

    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      this.log.error({ pid: child.pid, code, signal }, 'embedded store exited unexpectedly; restarting it');
      if (this.opts.restart !== false) void this.restartLoop();
    });
  }

  /** The supervisor's command line: where it listens, which PostgreSQL it runs and how. */
  private storeArgs(pg: ReturnType<typeof preparePostgres>): string[] {
    const args = [
      '-listen-addr', `127.0.0.1:${this.port}`,
      '-pg-bin', pg.binDir,
      '-pg-data', this.postgresDir,
      '-pg-port', String(this.pgPort),
      '-pool-max-conns', String(STORE_POOL_MAX_CONNS),
      '-statement-timeout', STORE_STATEMENT_TIMEOUT,
      '-log-level', 'error',
    ];
    if (pg.uid !== undefined && pg.gid !== undefined) args.push('-pg-uid', String(pg.uid), '-pg-gid', String(pg.gid));
    for (const s of POSTGRES_SETTINGS) args.push('-pg-set', s);
    return args;
  }

  /** The store's stderr into the log, without the lines that are routine. */
  private forwardStderr(child: ChildProcess): void {
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      if (/\bLOG:\s/.test(line) && !/\b(FATAL|PANIC|ERROR|WARNING)\b/.test(line)) return; // PostgreSQL's routine log lines
      // a refused duplicate is how the app makes writes happen once (STORE.md): not news
      if (/duplicate key value violates unique constraint|SQLSTATE 23505/.test(line)) return;
      // the supervisor's own tries to connect while PostgreSQL starts
      if (/the database system is starting up/.test(line)) return;
      // PostgreSQL closing FerretDB's connections as the store stops
      if (this.stopping && /terminating connection due to administrator command/.test(line)) return;
      this.log.warn({ store: line }, 'embedded store says');
    });
  }

  /** The port the store says it listens on (and PostgreSQL's address on the way), or why it did not start. */
  private listening(child: ChildProcess, startTimeout: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`embedded store did not start within ${startTimeout} ms`)), startTimeout);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const pgLine = /^POSTGRES (postgres:\/\/\S+)$/.exec(line);
        if (pgLine) this.pgUrl = pgLine[1]!;
        const m = /^LISTENING mongodb:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
        if (m) {
          clearTimeout(timeout);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new Error(`embedded store exited during start (code ${code}, signal ${signal})`));
      });
      child.once('error', (err) => {
        clearTimeout(timeout);
        reject(err);
      });
    });
  }

  private async restartLoop(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    let delay = 200;
    try {
      while (!this.stopping) {
        try {
          await this.spawnOnce();
          this.log.warn({ pid: this.child?.pid }, 'embedded store restarted');
          return;
        } catch (err) {
          this.log.error({ err }, `embedded store restart failed; trying again in ${delay} ms`);
          await sleep(delay);
          delay = Math.min(delay * 2, 5000);
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  private async waitForPing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await pingUri(this.uri))) {
      if (Date.now() > deadline) throw new Error(`embedded store at ${this.uri} does not answer a ping`);
      await sleep(100);
    }
  }

  /** The store another process of this app runs on `dataDir`, if it answers. */
  static async findRunning(dataDir: string): Promise<{ uri: string; postgresUrl?: string } | undefined> {
    try {
      const state = JSON.parse(fs.readFileSync(EmbeddedStore.stateFile(dataDir), 'utf8')) as RunningState;
      if (typeof state.uri === 'string' && (await pingUri(state.uri))) return { uri: state.uri, postgresUrl: state.postgresUrl };
    } catch {
      // no state file, or unreadable: nothing runs
    }
    return undefined;
  }
}

/** The newest PostgreSQL server on the machine (Debian's /usr/lib/postgresql/N/bin, or `postgres` on PATH). */
export function findPostgresBinDir(envPath?: string): string | undefined {
  const has = (dir: string) => ['postgres', 'initdb'].every((b) => isExecutable(path.join(dir, b)));
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (Number(v) >= 13 && has(dir)) return dir;
  }
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) if (has(dir)) return dir;
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** uid/gid of an OS user, from /etc/passwd. */
function osUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    // no passwd file
  }
  return undefined;
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

/**
 * Makes the PostgreSQL cluster under `dir` the first time. PostgreSQL refuses to run as
 * root, so when we are root it runs as the OS user `postgres` (Debian's package makes it),
 * or `nobody`, and its files belong to that user.
 */
function preparePostgres(opts: { dir: string; storeDir: string; binDir?: string; log: Logger }): { binDir: string; uid?: number; gid?: number } {
  const binDir = opts.binDir ?? findPostgresBinDir();
  if (!binDir) {
    throw new StoreSetupError(
      'The embedded database needs PostgreSQL 13 or newer on this machine (Debian: apt-get install postgresql), or set MONGODB_URI to an existing MongoDB.',
    );
  }
  fs.mkdirSync(opts.storeDir, { recursive: true });
  let owner: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    owner = osUser('postgres') ?? osUser('nobody');
    if (!owner) throw new StoreSetupError('Running as root, the embedded database needs an unprivileged OS user "postgres" or "nobody" to run PostgreSQL.');
    // PostgreSQL's user must be able to reach its directory: let it traverse DATA_DIR and
    // DATA_DIR/store (search only: no listing, no reading of our other files).
    for (const d of [path.dirname(opts.storeDir), opts.storeDir]) {
      const mode = fs.statSync(d).mode & 0o7777;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    }
  }
  if (!fs.existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    fs.rmSync(opts.dir, { recursive: true, force: true }); // a half-made cluster from an interrupted first start
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    if (owner) chownTree(opts.dir, owner.uid, owner.gid);
    opts.log.info({ dir: opts.dir }, 'making the embedded store\'s PostgreSQL cluster');
    const res = spawnSync(
      path.join(binDir, 'initdb'),
      ['-D', opts.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'],
      { uid: owner?.uid, gid: owner?.gid, encoding: 'utf8', cwd: '/' },
    );
    if (res.status !== 0) {
      fs.rmSync(opts.dir, { recursive: true, force: true });
      throw new StoreSetupError(`Making the embedded database (initdb) failed:\n${(res.stderr || res.stdout || String(res.error)).trim()}`);
    }
  } else if (owner) {
    const st = fs.statSync(opts.dir);
    if (st.uid !== owner.uid) chownTree(opts.dir, owner.uid, owner.gid);
  }
  return { binDir, uid: owner?.uid, gid: owner?.gid };
}

/**
 * A crash can leave `postmaster.pid` behind, naming a process that is gone, or a PID that
 * another process now has (PostgreSQL would then refuse to start), or a PostgreSQL that
 * outlived its supervisor. Remove the first two; stop the third.
 */
async function clearStalePostmaster(dir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  const isOurPostgres = (p: number) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return /postgres$/.test(cmd[0] ?? '') && cmd.includes(dir);
    } catch {
      return false;
    }
  };
  if (Number.isInteger(pid) && pid > 0 && isOurPostgres(pid)) {
    log.warn({ pid }, 'a PostgreSQL from an earlier run still holds the embedded store; stopping it');
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 300 && isOurPostgres(pid); i++) await sleep(100);
    if (isOurPostgres(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isOurPostgres(pid); i++) await sleep(100);
  }
  if (fs.existsSync(pidFile) && !isOurPostgres(pid)) {
    log.warn({ pidFile }, 'removing a stale postmaster.pid left by a crash');
    fs.rmSync(pidFile, { force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function pingUri(uri: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1000, directConnection: true });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
