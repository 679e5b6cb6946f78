/**
 * Two app processes on one server, as deploy/ runs them (issue 22): the embedded store on its
 * own (`store:serve`, deploy/tiep-suc-so-store.service), two `node dist/server.js` sharing it
 * through MONGODB_URI and DATA_DIR with TRUST_PROXY=loopback, and nginx in front with the site
 * file deploy/nginx/tiep-suc-so.conf (test/helpers/nginx.ts). Everything on loopback, free ports.
 * The scheduled jobs are driven from two processes at once with `npm run cli -- jobs:run JOB --now
 * DATE` (no waiting for Monday); nothing here waits on a timer racing the app.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { lessonKeys, loadCatalog, type Catalog } from '../../src/courses';
import { connectMongoose } from '../../src/db';
import { weekOf } from '../../src/reports';
import { DEFAULT_LOGIN_LIMITS } from '../../src/shared/rate-limit';
import { wire } from '../../src/wiring';
import { createTree, createUser } from '../helpers/factories';
import { Client, firstAnswers, signedIn, type Answer } from '../helpers/http-client';
import { freePort, startNginx, type Nginx } from '../helpers/nginx';
import { countSessions, countSessionsExpiringBefore, snapshotRowsOf, snapshotRunsOf, writeSessions } from '../helpers/ops-records';
import { countQuizResults, readLessons } from '../helpers/progress';
import { startServer, type ServerProcess } from '../helpers/server-process';

const projectRoot = path.resolve(__dirname, '..', '..');
const cacheDir = path.dirname(process.env.TEST_STORE_BINARY!);
const LIMIT = DEFAULT_LOGIN_LIMITS.perUserIp.points;
let dataDir: string;
let storeUri: string;
let store: ServerProcess;
let apps: { proc: ServerProcess; base: string }[] = [];
let nginx: Nginx;
let viaNginx: string;
let catalog: Catalog;

/** An app process on the shared store; resolves once it serves. */
async function startApp(env: Record<string, string> = { TRUST_PROXY: 'loopback' }): Promise<{ proc: ServerProcess; base: string }> {
  const proc = startServer({ PORT: '0', DATA_DIR: dataDir, MONGODB_URI: storeUri, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info', ...env });
  const line = await proc.waitFor(/is serving on/);
  return { proc, base: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

/** `npm run cli -- …` as an operator runs it (the built CLI), on the shared store. */
function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'index.js'), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, MONGODB_URI: storeUri, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

async function until(check: () => Promise<boolean>, ms = 120_000): Promise<boolean> {
  const deadline = Date.now() + ms; // a limit for a hang, not a speed target
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-two-'));
  const storePort = await freePort();
  store = startServer({ DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' }, [path.join('dist', 'cli', 'index.js'), 'store:serve', '--port', String(storePort)]);
  await store.waitFor(/"msg":"store: serving/);
  storeUri = `mongodb://127.0.0.1:${storePort}/tiepsucso`;
  wire();
  await connectMongoose(storeUri);
  await createTree();
  for (let i = 0; i < 3; i++) await createUser('volunteer', 'T-HN'); // figures for the snapshot the processes take as they start
  catalog = loadCatalog();
  apps = await Promise.all([startApp(), startApp()]);
  nginx = await startNginx(apps.map((a) => Number(new URL(a.base).port)));
  viaNginx = `http://127.0.0.1:${nginx.port}`;
}, 400_000);

afterAll(async () => {
  for (const a of apps) a.proc.child.kill('SIGKILL');
  await Promise.all(apps.map((a) => a.proc.exited));
  await nginx?.stop();
  await mongoose.disconnect();
  store?.child.kill('SIGTERM');
  await store?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('two app processes behind nginx on one store', () => {
  it('when a person signs in through one process, should be signed in on the other, and through nginx', async () => {
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const { user } = await createUser('volunteer', 'T-HN');
    const client = await new Client().signIn(a.base, user.username);
    expect(signedIn(await client.get(b.base, '/'))).toBe(true);
    // the form token of the session made on A is good on B: signing out on B ends it on A
    expect((await client.post(b.base, '/logout')).status).toBe(303);
    expect(signedIn(await client.get(a.base, '/'))).toBe(false);

    const proxied = await new Client().signIn(viaNginx, user.username);
    const pages = await Promise.all(Array.from({ length: 6 }, () => proxied.get(viaNginx, '/')));
    expect(pages.map(signedIn)).toEqual(pages.map(() => true));
  });

  it(`when sign-ins fail on both processes in turn, should refuse the next one after ${LIMIT} failures, as one process would`, async () => {
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const { user, password } = await createUser('volunteer', 'T-HN');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await new Client().tryPassword(i % 2 ? b.base : a.base, user.username, 'wrong-password-1')).status);
    expect(statuses).toEqual(statuses.map(() => 401));
    expect((await new Client().tryPassword(b.base, user.username, 'wrong-password-1')).status).toBe(429);
    expect((await new Client().tryPassword(a.base, user.username, password)).status).toBe(429); // even the right password waits
  });

  it('when clients at different addresses sign in through nginx with TRUST_PROXY=loopback, should count each address apart and ignore a forged X-Forwarded-For', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const from2 = new Client('127.0.0.2');
    for (let i = 0; i < LIMIT; i++) expect((await from2.tryPassword(viaNginx, user.username, 'wrong-password-2')).status).toBe(401);
    expect((await from2.tryPassword(viaNginx, user.username, 'wrong-password-2')).status).toBe(429);
    // nginx sets X-Forwarded-For to the client's address: a forged one changes nothing
    expect((await from2.tryPassword(viaNginx, user.username, 'wrong-password-2', { headers: { 'X-Forwarded-For': '127.0.0.9' } })).status).toBe(429);
    // another client (another address) has its own count, though nginx connects from 127.0.0.1 for both
    expect((await new Client('127.0.0.3').tryPassword(viaNginx, user.username, 'wrong-password-2')).status).toBe(401);
  });

  it('when TRUST_PROXY is unset, should count attempts by the connection\'s address whatever X-Forwarded-For says', async () => {
    const plain = await startApp({});
    try {
      const { user } = await createUser('volunteer', 'T-HN');
      const forged = (i: number) => ({ headers: { 'X-Forwarded-For': `10.0.${i}.1` } });
      for (let i = 0; i < LIMIT; i++) expect((await new Client().tryPassword(plain.base, user.username, 'wrong-password-3', forged(i))).status).toBe(401);
      expect((await new Client().tryPassword(plain.base, user.username, 'wrong-password-3', forged(99))).status).toBe(429);
    } finally {
      plain.proc.child.kill('SIGTERM');
      await plain.proc.exited;
    }
  });

  it('when both processes run their snapshot job and two processes take next week\'s snapshot at once, should make one run and one row per key and week', async () => {
    // each app process's snapshot job ticks as it starts: this week's snapshot, taken by one of them
    const thisWeek = weekOf(new Date()).label;
    expect(await until(async () => (await snapshotRunsOf(thisWeek)).some((r) => r.state === 'done'))).toBe(true);
    expect(await snapshotRunsOf(thisWeek)).toHaveLength(1);
    const now = await snapshotRowsOf(thisWeek);
    expect(now.rows).toBeGreaterThan(0);
    expect(now.rows).toBe(now.keys);

    // next Monday just after 00:00 in Vietnam, from two processes at the same moment
    const nextMonday = new Date(weekOf(new Date()).monday.getTime() + 7 * 86_400_000 + 5 * 60_000);
    const runs = await Promise.all([0, 1].map(() => runCli(['jobs:run', 'snapshot', '--now', nextMonday.toISOString()])));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const said = runs.map((r) => r.out.trim()).sort();
    const week = weekOf(nextMonday).label;
    expect(said).toEqual([`snapshot ${week}: already taken or being taken`, `snapshot ${week}: taken`]);
    const runsOfWeek = await snapshotRunsOf(week);
    expect(runsOfWeek.map((r) => r.state)).toEqual(['done']);
    const next = await snapshotRowsOf(week);
    expect(next.rows).toBe(next.keys);
    expect(next.keys).toBeGreaterThan(0);
  });

  it('when two processes run the maintenance at once, should delete each expired session once, with no error', async () => {
    const at = new Date(Date.now() + 2 * 86_400_000); // the moment both runs take as now: these sessions have expired
    const expired = await writeSessions(300, new Date(Date.now() + 86_400_000), `expired-${Date.now()}`);
    const fresh = await writeSessions(20, new Date(Date.now() + 3 * 86_400_000), `fresh-${Date.now()}`);
    const due = await countSessionsExpiringBefore(at); // with those of the sign-ins above
    const runs = await Promise.all([0, 1].map(() => runCli(['jobs:run', 'maintenance', '--now', at.toISOString()])));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const deleted = runs.map((r) => Number(/maintenance: (\d+) expired session/.exec(r.out)?.[1] ?? NaN));
    expect(deleted[0]! + deleted[1]!).toBe(due);
    expect(await countSessions(expired)).toBe(0);
    expect(await countSessions(fresh)).toBe(20);
  });

  it('when jobs:run is given an unknown job or a date it cannot read, should exit 1 saying what is expected, running nothing', async () => {
    const job = await runCli(['jobs:run', 'backup']);
    expect(job.code).toBe(1);
    expect(job.out).toContain('job: must be one of snapshot, maintenance');
    const date = await runCli(['jobs:run', 'snapshot', '--now', 'next monday']);
    expect(date.code).toBe(1);
    expect(date.out).toContain('--now: must be a date and time such as 2026-12-07T00:05:00+07:00');
  });

  it('when 50 submissions of one quiz attempt arrive at once, spread over both processes, should store one result and answer each sensibly', async () => {
    const learner = await prepareLearners(1);
    const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
    const { client, submit, form } = learner[0]!;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => client.post(i % 2 ? b.base : a.base, submit, form)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 303 || (s >= 400 && s < 500))).toBe(true);
    const results = new Set(answers.filter((r) => r.status === 303).map((r) => r.location));
    expect(results.size).toBe(1);
    expect([...results][0]).toMatch(/^\/quiz\/results\/[0-9a-f]{24}$/);
    expect(await countQuizResults(learner[0]!.userId)).toBe(1);
  });

  it('when another app process starts on the same DATA_DIR without MONGODB_URI, should refuse to start a second store, naming the way to share it', async () => {
    const second = startServer({ PORT: '0', DATA_DIR: dataDir, STORE_CACHE_DIR: cacheDir, LOG_LEVEL: 'info' });
    expect((await second.exited).code).toBe(1);
    expect(second.lines.join('\n')).toMatch(/Another process already runs the embedded store of DATA_DIR .*store:serve --port 27017.*MONGODB_URI=/);
    expect(await until(async () => (await fetch(`${apps[0]!.base}/readyz`)).status === 200, 30_000)).toBe(true);
  });

  it('when one process is killed under a stream of submissions through nginx, should lose no acknowledged submission and send the rest to the other', async () => {
    await submissionsAcrossAKill();
  });
});

interface Learner {
  userId: mongoose.Types.ObjectId;
  client: Client;
  submit: string;
  form: Record<string, string>;
}

/** Learners signed in through nginx, each with an open attempt of the first module's quiz and its answers chosen. */
async function prepareLearners(n: number): Promise<Learner[]> {
  const course = catalog.courses[0]!;
  const module = course.modules[0]!;
  const prepared: Learner[] = [];
  const one = async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await readLessons(user._id, course.slug, lessonKeys(course));
    const client = await new Client().signIn(viaNginx, user.username);
    const started = await client.post(viaNginx, `/courses/${course.slug}/${module.folder}/quiz/start`);
    if (started.status !== 303 || !started.location) throw new Error(`quiz start: ${started.status}`);
    const page = await client.get(viaNginx, started.location);
    const form = firstAnswers(page.text);
    if (Object.keys(form).length === 0) throw new Error(`no questions on ${started.location}`);
    prepared.push({ userId: user._id, client, submit: `${started.location}/submit`, form });
  };
  for (let i = 0; i < n; i += 4) await Promise.all(Array.from({ length: Math.min(4, n - i) }, one));
  return prepared;
}

/** Submissions through nginx, 6 at a time; process A is SIGKILLed once 15 are acknowledged. */
async function submissionsAcrossAKill(): Promise<void> {
  const learners = await prepareLearners(60);
  const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
  const done: { learner: Learner; answer: Answer | Error; afterKill: boolean }[] = [];
  let killed = false;
  let next = 0;
  const worker = async () => {
    while (next < learners.length) {
      const learner = learners[next++]!;
      const afterKill = killed;
      const answer = await learner.client.post(viaNginx, learner.submit, learner.form).catch((err: Error) => err);
      done.push({ learner, answer, afterKill });
      if (!killed && done.filter((d) => !(d.answer instanceof Error) && d.answer.status === 303).length >= 15) {
        killed = true;
        a.proc.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  expect(killed).toBe(true);
  expect((await a.proc.exited).signal).toBe('SIGKILL');

  const statusOf = (d: (typeof done)[0]) => (d.answer instanceof Error ? d.answer.message : d.answer.status);
  // each either acknowledged or refused cleanly by the proxy: never a server error of the app
  expect(done.map(statusOf).filter((s) => ![303, 502, 503, 504].includes(s as number))).toEqual([]);
  const acknowledged = done.filter((d) => statusOf(d) === 303);
  for (const d of acknowledged) expect(await countQuizResults(d.learner.userId)).toBe(1);
  // after the kill nginx sends everything to the survivor
  const after = done.filter((d) => d.afterKill);
  expect(after.length).toBeGreaterThan(0);
  expect(after.map(statusOf)).toEqual(after.map(() => 303));
  expect((await fetch(`${b.base}/readyz`)).status).toBe(200);
  const pages = await Promise.all(Array.from({ length: 4 }, () => fetch(`${viaNginx}/healthz`)));
  expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200]);
  console.log(`kill under load: ${done.length} submissions, ${acknowledged.length} acknowledged (${after.length} after the kill), statuses ${JSON.stringify(countBy(done.map(statusOf)))}`);
}

function countBy(values: (string | number)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
