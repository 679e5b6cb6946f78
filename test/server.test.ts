/**
 * The server as `npm start` runs it: a real process with its own embedded store,
 * started, asked, and stopped with a signal.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import request from 'supertest';
import { isAlive, startServer } from './helpers/server-process';

const cacheDir = path.dirname(process.env.TEST_STORE_BINARY!);
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-server-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** PostgreSQL processes running on files under `dir` (the postmaster names its data directory). */
function postgresOn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/postgres$/.test(cmd[0] ?? '') && cmd.some((a) => a.startsWith(dir))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function parse(line: string): Record<string, unknown> {
  return JSON.parse(line) as Record<string, unknown>;
}

describe('server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'when it receives %s, should finish, exit 0 and leave no store process behind',
    async (signal) => {
      const server = startServer({ PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
      const ready = parse(await server.waitFor(/"msg":"embedded store ready"/));
      const serving = parse(await server.waitFor(/is serving on/));
      const storePid = ready.pid as number;
      expect(isAlive(storePid)).toBe(true);

      const base = `http://localhost:${serving.port as number}`;
      await request(base).get('/healthz').expect(200, { status: 'ok' });
      await request(base).get('/readyz').expect(200);
      const home = await request(base).get('/').set('Accept-Language', 'en').expect(200);
      expect(home.text).toContain('<html lang="en">');

      const sentAt = Date.now();
      server.child.kill(signal);
      const { code } = await server.exited;
      expect(code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(60000); // within the grace period and the store's stop, even on a busy machine
      expect(isAlive(storePid)).toBe(false);
      expect(postgresOn(dataDir)).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'store', 'pg', 'PG_VERSION'))).toBe(true);
    },
  );

  it('when `npm start` receives SIGTERM under load, should answer every request it took, exit 0 and leave nothing running', async () => {
    const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      cwd: path.resolve(__dirname, '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not serving:\n${lines.join('\n')}`)), 60_000);
      for (const stream of [npm.stdout!, npm.stderr!]) {
        readline.createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          const m = /"port":(\d+).*is serving on/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      }
    });
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    const get = () =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/login', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        }).on('error', reject);
      });
    const answered: { status: number; connection: string | undefined }[] = [];
    const failures: string[] = [];
    let stop = false;
    const workers = Array.from({ length: 6 }, async () => {
      while (!stop) {
        try {
          answered.push(await get());
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err as Error).message;
          if (code === 'ECONNREFUSED') break; // the server is gone: new connections are refused, nothing was lost
          failures.push(code);
        }
      }
    });
    while (answered.length < 30) await new Promise((r) => setTimeout(r, 20));
    const children = fs.readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    expect(children.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    const code = await exited;
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    expect(code).toBe(0);
    expect(failures).toEqual([]); // no request reset in flight
    expect(answered.every((a) => a.status === 200)).toBe(true);
    expect(answered.some((a) => a.connection === 'close')).toBe(true); // keep-alive clients were told to go
    expect(postgresOn(dataDir)).toEqual([]);
    for (const pid of children) expect(isAlive(pid)).toBe(false); // node (npm's child) has ended too
  });

  it('when the server is killed outright, its store should stop by itself', async () => {
    const server = startServer({ PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
    const storePid = parse(await server.waitFor(/"msg":"embedded store ready"/)).pid as number;
    await server.waitFor(/is serving on/);
    expect(postgresOn(dataDir).length).toBeGreaterThan(0);
    server.child.kill('SIGKILL');
    await server.exited;
    await until(() => !isAlive(storePid) && postgresOn(dataDir).length === 0, 20000);
    expect(isAlive(storePid)).toBe(false);
    expect(postgresOn(dataDir)).toEqual([]);
  });

  it('when a crash left PostgreSQL\'s postmaster.pid naming another live process, the next start should still serve', async () => {
    const first = startServer({ PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
    const storePid = parse(await first.waitFor(/"msg":"embedded store ready"/)).pid as number;
    await first.waitFor(/is serving on/);
    first.child.kill('SIGKILL');
    await first.exited;
    await until(() => !isAlive(storePid) && postgresOn(dataDir).length === 0, 20000);
    // the PID in the lock file now belongs to someone else (here: this test's own process)
    const pidFile = path.join(dataDir, 'store', 'pg', 'postmaster.pid');
    fs.writeFileSync(pidFile, `${process.pid}\n${path.join(dataDir, 'store', 'pg')}\n`);
    const again = startServer({ PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
    const serving = parse(await again.waitFor(/is serving on/));
    await request(`http://localhost:${serving.port as number}`).get('/readyz').expect(200);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expect(postgresOn(dataDir)).toEqual([]);
  });

  it('when a variable is invalid, should exit 1 naming it', async () => {
    const server = startServer({ PORT: 'eighty', DATA_DIR: dataDir });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.lines.join('\n')).toMatch(/PORT="eighty": must be a whole number/);
  });

  it('when Go is missing and no MONGODB_URI is set, should exit 1 with one sentence saying what to install or set', async () => {
    const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-nocache-'));
    const server = startServer({ PATH: '/nonexistent', DATA_DIR: dataDir, STORE_CACHE_DIR: emptyCache });
    const { code } = await server.exited;
    fs.rmSync(emptyCache, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(server.lines).toContain(
      'The embedded database needs Go 1.24 or newer to be built the first time: install Go (https://go.dev/doc/install) or set MONGODB_URI to an existing MongoDB.',
    );
  });

  it('when MONGODB_URI is set, should start no store and use that database', async () => {
    const server = startServer({ PORT: '0', DATA_DIR: dataDir, MONGODB_URI: `${process.env.TEST_MONGODB_URI!}tss_server_test`, LOG_LEVEL: 'info' });
    const serving = parse(await server.waitFor(/is serving on/));
    expect(serving.embeddedStore).toBe(false);
    expect(server.lines.some((l) => l.includes('embedded store ready'))).toBe(false);
    await request(`http://localhost:${serving.port as number}`).get('/readyz').expect(200);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
