/**
 * Backups that restore (issue 22.3): a running server's store, seeded with people, quiz results
 * and certificates, is backed up with `npm run cli -- backup DIR` while writes go on, restored
 * with `restore DIR` into a fresh DATA_DIR, and a new server on it has every record that existed
 * before the backup began. A damaged backup is refused with a sentence, before anything is made.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose, { type Types } from 'mongoose';
import request from 'supertest';
import { settleUnsettledCompletions } from '../../src/courses';
import { connectMongoose, EmbeddedStore } from '../../src/db';
import { namesOnlyLoopback } from '../../src/ops';
import { projectRoot } from '../../src/shared/paths';
import { wire } from '../../src/wiring';
import { createTree, createUser, csrfToken, TEST_PASSWORD } from '../helpers/factories';
import { userNamed } from '../helpers/people';
import { certificateOf, countQuizResults, passedResultNotSettled, writeCompletionRecord } from '../helpers/progress';
import { startServer, type ServerProcess } from '../helpers/server-process';

const run = promisify(execFile);
const cacheDir = path.dirname(process.env.TEST_STORE_BINARY!);
const cli = path.join(projectRoot, 'dist', 'cli', 'index.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-backup-'));
fs.chmodSync(tmp, 0o755); // PostgreSQL's OS user (the tests run as root) must reach the DATA_DIRs inside
const original = path.join(tmp, 'original');
const restored = path.join(tmp, 'restored');
const backupDir = path.join(tmp, 'backup');

const started: ServerProcess[] = [];

afterAll(async () => {
  // a test that failed half-way leaves no server behind
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all(started.map((s) => s.exited));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function startOn(dataDir: string): Promise<{ server: ServerProcess; base: string }> {
  const server = startServer({ NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40), PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
  started.push(server);
  const serving = JSON.parse(await server.waitFor(/is serving on/)) as { port: number };
  return { server, base: `http://127.0.0.1:${serving.port}` };
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

/** The CLI as an operator runs it; never throws: its exit code and what it printed. */
async function runCli(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: projectRoot, env, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** mongoose on the app's database of the store a server runs on `dataDir`. */
async function connectTo(dataDir: string): Promise<void> {
  const running = await EmbeddedStore.findRunning(dataDir);
  if (!running) throw new Error(`no store runs on ${dataDir}`);
  await connectMongoose(running.uri, 'tiepsucso');
}

interface Seeded {
  username: string;
  id: Types.ObjectId;
  serial?: string;
}

/** People of a team, each with a passed quiz result, and every other one with a certificate. */
async function seed(n: number): Promise<Seeded[]> {
  wire();
  await createTree();
  const people: Seeded[] = [];
  for (let i = 0; i < n; i++) {
    const { user } = await createUser('volunteer', 'T-HN', { fullName: `Người Sao Lưu ${i}` });
    await passedResultNotSettled(user._id, 'digital-literacy', 'm1', 'backup-test');
    if (i % 2 === 0) await writeCompletionRecord(user._id, 'digital-literacy', { settled: false });
    people.push({ username: user.username, id: user._id });
  }
  await settleUnsettledCompletions(); // each completion earns its certificate (src/wiring.ts)
  for (const p of people.filter((_, i) => i % 2 === 0)) p.serial = (await certificateOf(p.id, 'digital-literacy'))?.serial;
  expect(people.filter((p) => p.serial)).toHaveLength(Math.ceil(n / 2));
  return people;
}

/** New people, one after the other, until `stop.now` (the app's writes while the backup runs). */
async function writeLoad(stop: { now: boolean }): Promise<number> {
  let written = 0;
  while (!stop.now) {
    await createUser('volunteer', 'T-HN');
    written += 1;
  }
  return written;
}

describe('backup and restore of the embedded store', () => {
  it('when a running store is backed up under writes and restored into a fresh DATA_DIR, a server on it should have every person, result and certificate', async () => {
    const a = await startOn(original);
    await connectTo(original);
    const people = await seed(12);
    fs.mkdirSync(path.join(original, 'exports'), { recursive: true });
    fs.writeFileSync(path.join(original, 'exports', 'kept.csv'), 'username\ntnv.kept\n');
    fs.writeFileSync(path.join(original, 'exports', 'half.csv.123.part'), 'being written');
    fs.writeFileSync(path.join(original, 'app.log'), 'a log line');
    fs.mkdirSync(path.join(original, 'cache', 'ferretdb'), { recursive: true }); // a server's caches in DATA_DIR (its home)
    fs.writeFileSync(path.join(original, 'cache', 'ferretdb', 'program'), 'not data');

    const stopLoad = { now: false };
    const load = writeLoad(stopLoad);
    const made = await runCli(['backup', backupDir], original);
    stopLoad.now = true;
    expect(await load).toBeGreaterThan(0);
    expect(made.stderr).toBe('');
    expect(made).toMatchObject({ code: 0, stdout: expect.stringContaining('backup written to') });
    expect(await runCli(['backup:verify', backupDir], original)).toMatchObject({ code: 0, stdout: expect.stringContaining('every checksum matches') });
    await mongoose.disconnect();
    await stop(a.server);

    const back = await runCli(['restore', backupDir], restored);
    expect(back).toMatchObject({ code: 0, stdout: expect.stringContaining('restored the backup') });
    expect(fs.readFileSync(path.join(restored, 'exports', 'kept.csv'), 'utf8')).toBe('username\ntnv.kept\n');
    expect(fs.existsSync(path.join(restored, 'exports', 'half.csv.123.part'))).toBe(false);
    expect(fs.existsSync(path.join(restored, 'app.log'))).toBe(false);
    expect(fs.existsSync(path.join(restored, 'cache'))).toBe(false);

    const b = await startOn(restored);
    try {
      await connectTo(restored);
      for (const p of people) {
        expect((await userNamed(p.username))?._id).toEqual(p.id);
        expect(await countQuizResults(p.id)).toBe(1);
        expect((await certificateOf(p.id, 'digital-literacy'))?.serial).toBe(p.serial);
      }
      // and the app serves them: a restored person signs in and sees their certificate
      const holder = people[0]!;
      const agent = request.agent(b.base);
      const _csrf = await csrfToken(agent);
      await agent.post('/login').type('form').send({ _csrf, username: holder.username, password: TEST_PASSWORD }).expect(303);
      expect((await agent.get('/certificates').expect(200)).text).toContain(holder.serial);
    } finally {
      await mongoose.disconnect();
      await stop(b.server);
    }

    const again = await runCli(['restore', backupDir], restored);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has a store: restore into a new DATA_DIR, or add --force/);
  }, 900_000); // a limit for a hang: three processes start and two stores are made, on a machine that may be busy

  it('when the backup is missing, its manifest damaged or a file does not match its checksum, should refuse with a sentence and make nothing', async () => {
    // a backup whose manifest is right for the dump, then one byte of the dump changed
    const damaged = path.join(tmp, 'damaged');
    fs.mkdirSync(damaged, { recursive: true });
    const dump = path.join(damaged, 'store.pgdump');
    const bytes = Buffer.from('PGDMP'.padEnd(4096, 'x'));
    fs.writeFileSync(dump, bytes);
    const entries = [{ path: 'store.pgdump', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
    fs.writeFileSync(path.join(damaged, 'manifest.json'), JSON.stringify({ format: 'tiep-suc-so-backup', formatVersion: 1, createdAt: new Date().toISOString(), appVersion: 't', postgres: 't', dataDir: '/x', entries }));
    expect(await runCli(['backup:verify', damaged], tmp)).toMatchObject({ code: 0, stdout: expect.stringContaining('every checksum matches') });
    bytes[2048] = 0xff - bytes[2048]!;
    fs.writeFileSync(dump, bytes);
    const fresh = path.join(tmp, 'fresh');

    const cases: [string, RegExp][] = [
      [path.join(tmp, 'no-such-backup'), /no such backup directory/],
      [damaged, /store\.pgdump does not match its checksum in manifest\.json: the backup is damaged/],
    ];
    for (const [dir, message] of cases) {
      const res = await runCli(['restore', dir], fresh);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(fs.existsSync(path.join(fresh, 'store'))).toBe(false);
    }
    fs.writeFileSync(path.join(damaged, 'manifest.json'), '{"format": "tiep-suc-so-backup", "entr');
    const res = await runCli(['backup:verify', damaged], fresh);
    expect(res).toMatchObject({ code: 1, stderr: expect.stringMatching(/manifest\.json is damaged \(not valid JSON\)/) });
    fs.rmSync(path.join(damaged, 'manifest.json'));
    expect((await runCli(['restore', damaged], fresh)).stderr).toMatch(/is not a backup: manifest\.json is missing/);
    expect(fs.existsSync(path.join(fresh, 'store'))).toBe(false);
  });
});

describe('which MONGODB_URI is the embedded store served on this machine', () => {
  it('should take a loopback-only URI (store:serve, deploy/env.example) as the embedded store, and any other as a MongoDB to back up with mongodump', () => {
    expect(namesOnlyLoopback('mongodb://127.0.0.1:27017/tiepsucso')).toBe(true);
    expect(namesOnlyLoopback('mongodb://localhost/tiepsucso')).toBe(true);
    expect(namesOnlyLoopback('mongodb://db1:27017,db2:27017,db3:27017/tiepsucso?replicaSet=rs0')).toBe(false);
    expect(namesOnlyLoopback('mongodb://127.0.0.1:27017,db2:27017/tiepsucso')).toBe(false);
    expect(namesOnlyLoopback('mongodb://app:secret@10.0.0.5:27017/tiepsucso')).toBe(false);
    expect(namesOnlyLoopback('mongodb+srv://cluster.example.vn/tiepsucso')).toBe(false);
  });
});
