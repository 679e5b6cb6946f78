/**
 * The embedded store's lifecycle: start FerretDB on loopback with its SQLite files under
 * DATA_DIR, wait until it answers a ping, restart it if it dies, stop it on shutdown.
 * The process also exits by itself when our stdin pipe closes (see tools/ferretdb/main.go),
 * so it never outlives the app, even one killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import type { Logger } from 'pino';

export interface EmbeddedStoreOptions {
  binary: string;
  /** SQLite files go to `<dataDir>/store/`. */
  dataDir: string;
  logger: Logger;
  /** Restart the process when it dies unexpectedly (default true). */
  restart?: boolean;
  startTimeoutMs?: number;
}

export class EmbeddedStore {
  private child: ChildProcess | undefined;
  private port = 0;
  private stopping = false;
  private restarting = false;
  private readonly log: Logger;

  constructor(private readonly opts: EmbeddedStoreOptions) {
    this.log = opts.logger.child({ component: 'embedded-store' });
  }

  /** The MongoDB URI of the running store (stable across restarts). */
  get uri(): string {
    if (!this.port) throw new Error('embedded store not started');
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get storeDir(): string {
    return path.join(this.opts.dataDir, 'store');
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

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. Never restarts afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(EmbeddedStore.stateFile(this.opts.dataDir), { force: true });
    this.log.info({ pid: child.pid }, 'embedded store stopped');
  }

  private async spawnOnce(): Promise<void> {
    fs.mkdirSync(this.storeDir, { recursive: true });
    const sqliteUrl = `file:${encodeURI(this.storeDir)}/`;
    const child = spawn(
      this.opts.binary,
      ['-listen-addr', `127.0.0.1:${this.port}`, '-sqlite-url', sqliteUrl, '-log-level', 'error'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child = child;

    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      this.log.warn({ store: line }, 'embedded store says');
    });

    const listening = new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`embedded store did not start within ${this.opts.startTimeoutMs ?? 30000} ms`)),
        this.opts.startTimeoutMs ?? 30000,
      );
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
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

    this.port = await listening;
    await this.waitForPing();
    this.log.info({ pid: child.pid, port: this.port, dir: this.storeDir }, 'embedded store ready');
    fs.writeFileSync(EmbeddedStore.stateFile(this.opts.dataDir), JSON.stringify({ pid: child.pid, uri: this.uri }));

    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      this.log.error({ pid: child.pid, code, signal }, 'embedded store exited unexpectedly; restarting it');
      if (this.opts.restart !== false) void this.restartLoop();
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

  private async waitForPing(): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30000);
    while (!(await pingUri(this.uri))) {
      if (Date.now() > deadline) throw new Error(`embedded store at ${this.uri} does not answer a ping`);
      await sleep(100);
    }
  }

  /** The URI of a store another process of this app runs on `dataDir`, if it answers. */
  static async findRunning(dataDir: string): Promise<string | undefined> {
    try {
      const state = JSON.parse(fs.readFileSync(EmbeddedStore.stateFile(dataDir), 'utf8')) as { uri?: string };
      if (typeof state.uri === 'string' && (await pingUri(state.uri))) return state.uri;
    } catch {
      // no state file, or unreadable: nothing runs
    }
    return undefined;
  }
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
