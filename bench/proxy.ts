/**
 * Load through the proxy (issue 22): nginx with the site file of deploy/nginx/ in front of one,
 * then two app processes (`node dist/server.js`, production settings, TRUST_PROXY=loopback) that
 * share one embedded store with `seed:scale` data, as deploy/ runs them on one server. With
 * autocannon through nginx: a lesson page (GET, signed in) and quiz submissions (POST, each a
 * different learner's open attempt, prepared beforehand through nginx). Throughput and p99 for
 * one and two processes in one run, and the two/one ratio; writes its section of bench/RESULTS.md.
 * Run: npm run bench:proxy (BENCH_PROXY_VOLUNTEERS, default 20,000; BENCH_PROXY_SUBMISSIONS per
 * phase, default 200). One and two processes alternate over two rounds.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { lessonKeys, loadCatalog } from '../src/courses';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes, useStorePostgres } from '../src/db';
import { rebuildRollups } from '../src/reports';
import { seedScale } from '../src/seed';
import { wire } from '../src/wiring';
import { createTree, createUser, TEST_PASSWORD } from '../test/helpers/factories';
import { freePort, startNginx, type Nginx } from '../test/helpers/nginx';
import { readLessons } from '../test/helpers/progress';
import { Client } from './client';
import { writeSection } from './results-file';

const VOLUNTEERS = Number(process.env.BENCH_PROXY_VOLUNTEERS ?? 20_000);
const SUBMISSIONS = Number(process.env.BENCH_PROXY_SUBMISSIONS ?? 200);
const ROUNDS = 2;
const CONNECTIONS = 20;
const LESSON_SECONDS = 10;
const DATABASE = 'bench_proxy';
const root = path.resolve(__dirname, '..');

interface Measure { rps: number; p50: number; p99: number; non2xx: string; errors: number }
interface Attempt { cookie: string; url: string; body: string }
interface Phase { round: number; processes: number; load: number; lesson: Measure; submit: Measure }

/** An app process as the unit runs it (production settings), on a port of its own; resolves once ready. */
async function startApp(storeUri: string, dataDir: string): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-old-space-size=256', path.join(root, 'dist', 'server.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), MONGODB_URI: storeUri, DATA_DIR: dataDir,
      SESSION_SECRET: 'bench-proxy-session-secret-0123456789abcdef', BASE_URL: 'http://127.0.0.1', TRUST_PROXY: 'loopback', LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return Object.assign(child, { benchPort: port });
    if (child.exitCode !== null) throw new Error(`app process exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('app process not ready within 2 minutes');
}

const portOf = (c: ChildProcess) => (c as ChildProcess & { benchPort: number }).benchPort;

function summary(r: autocannon.Result): Measure {
  const codes = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !/^[23]/.test(code)).map(([code, s]) => `${code}×${s.count}`).join(', ');
  return { rps: Math.round(r.requests.average * 10) / 10, p50: r.latency.p50, p99: r.latency.p99, non2xx: codes, errors: r.errors + r.timeouts };
}

/** The lesson page, signed in (one session per connection), for LESSON_SECONDS. */
async function lessonLoad(base: string, lesson: string, cookies: string[]): Promise<Measure> {
  let n = 0;
  const r = await autocannon({
    url: base, connections: CONNECTIONS, duration: LESSON_SECONDS, timeout: 30,
    requests: [{ method: 'GET', path: lesson, setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[n++ % cookies.length]! } }) }],
  });
  return summary(r);
}

/** Every prepared attempt submitted once, CONNECTIONS at a time. */
async function submitLoad(base: string, attempts: Attempt[]): Promise<Measure> {
  let n = 0;
  const r = await autocannon({
    url: base, connections: CONNECTIONS, amount: attempts.length, timeout: 30,
    requests: [{
      method: 'POST',
      setupRequest: (req) => {
        const a = attempts[n++ % attempts.length]!;
        return { ...req, path: a.url, body: a.body, headers: { ...req.headers, cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' } };
      },
    }],
  });
  return summary(r);
}

/** `n` learners (lessons read), each signed in through nginx with an open attempt of the first quiz and its answers. */
async function prepareAttempts(base: string, course: { slug: string; folder: string; keys: string[] }, n: number): Promise<Attempt[]> {
  const out: Attempt[] = [];
  const one = async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await readLessons(user._id, course.slug, course.keys);
    const c = new Client(base);
    await c.signIn(user.username, TEST_PASSWORD);
    const _csrf = await c.csrf('/courses');
    const started = await c.request('POST', `/courses/${course.slug}/${course.folder}/quiz/start`, { _csrf });
    const page = await c.request('GET', started.location!);
    const form = new URLSearchParams({ _csrf });
    for (const m of page.text.matchAll(/name="(q_[^"]+)"[^>]*value="([^"]+)"/g)) if (!form.has(m[1]!)) form.append(m[1]!, m[2]!);
    out.push({ cookie: c.cookie, url: `${started.location!}/submit`, body: form.toString() });
  };
  for (let i = 0; i < n; i += 4) await Promise.all(Array.from({ length: Math.min(4, n - i) }, one));
  return out;
}

/** Sessions for the lesson page: learners signed in through nginx. */
async function sessions(base: string, n: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    const c = new Client(base);
    await c.signIn(user.username, TEST_PASSWORD);
    cookies.push(c.cookie);
  }
  return cookies;
}

async function measure(apps: ChildProcess[], course: Parameters<typeof prepareAttempts>[1], lesson: string): Promise<{ lesson: Measure; submit: Measure; nginx: Nginx }> {
  const nginx = await startNginx(apps.map(portOf));
  const base = `http://127.0.0.1:${nginx.port}`;
  const cookies = await sessions(base, CONNECTIONS);
  const attempts = await prepareAttempts(base, course, SUBMISSIONS);
  await lessonLoad(base, lesson, cookies); // warm-up: caches, JIT, connections
  const lessonM = await lessonLoad(base, lesson, cookies);
  const submitM = await submitLoad(base, attempts);
  return { lesson: lessonM, submit: submitM, nginx };
}

async function seed(): Promise<{ people: number; units: number; completions: number; seconds: number }> {
  const t0 = Date.now();
  const r = await seedScale({ volunteers: VOLUNTEERS, communes: Math.max(50, Math.round(VOLUNTEERS / 72)), remote: Math.max(5, Math.round(VOLUNTEERS / 840)), teams: Math.max(60, Math.round(VOLUNTEERS / 50)) });
  await rebuildRollups();
  return { ...r, seconds: Math.round((Date.now() - t0) / 1000) };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-proxy-'));
  const store = new EmbeddedStore({ binary, dataDir, logger: pino({ level: 'warn' }) });
  const uri = await store.start();
  useStorePostgres(store.postgresUrl);
  wire();
  await connectMongoose(uri, DATABASE);
  await syncIndexes();
  console.log(`seeding ${VOLUNTEERS} volunteers…`);
  const data = await seed();
  await createTree(); // the test units the benchmark's learners belong to
  const catalog = loadCatalog();
  const c0 = catalog.courses[0]!;
  const m0 = c0.modules[0]!;
  const course = { slug: c0.slug, folder: m0.folder, keys: lessonKeys(c0) };
  const lesson = `/courses/${c0.slug}/${m0.folder}/${m0.lessons[0]!.slug}`;

  const appDir = path.join(dataDir, 'app');
  const a = await startApp(`${uri}${DATABASE}`, appDir);
  const b = await startApp(`${uri}${DATABASE}`, appDir);
  // alternating, so that the machine's other work weighs on both alike: 1, 2, 1, 2 processes behind nginx
  const phases: Phase[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const apps of [[a], [a, b]]) {
      console.log(`round ${round}: ${apps.length} app process(es)…`);
      const load = os.loadavg()[0]!;
      const m = await measure(apps, course, lesson);
      await m.nginx.stop();
      phases.push({ round, processes: apps.length, load, lesson: m.lesson, submit: m.submit });
    }
  }
  report(data, phases, lesson);
  for (const p of [a, b]) p.kill('SIGTERM');
  await Promise.all([a, b].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  await mongoose.disconnect();
  await store.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function report(data: Awaited<ReturnType<typeof seed>>, phases: Phase[], lesson: string): void {
  const mean = (n: number, f: (p: Phase) => number) => {
    const of = phases.filter((p) => p.processes === n);
    return of.reduce((t, p) => t + f(p), 0) / of.length;
  };
  const ratio = (f: (p: Phase) => number) => (mean(1, f) > 0 ? (Math.round((mean(2, f) / mean(1, f)) * 100) / 100).toFixed(2) : '–');
  const other = (m: Measure) => [m.non2xx, m.errors ? `${m.errors} errors` : ''].filter(Boolean).join(', ') || 'none';
  const rows = phases.map((p) => `| ${p.round} | ${p.processes} | ${p.load.toFixed(1)} | ${p.lesson.rps} | ${p.lesson.p99} ms | ${p.submit.rps} | ${p.submit.p99} ms | ${other(p.lesson)}; ${other(p.submit)} |`);
  const lines = [
    '## Through nginx: one and two app processes',
    '',
    `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; ` +
      'nginx with `deploy/nginx/tiep-suc-so.conf` (loopback, no TLS) in front of `node dist/server.js` processes (production settings, 256 MB heap, TRUST_PROXY=loopback) ' +
      'sharing one embedded store (FerretDB v1.24.2 on PostgreSQL) through MONGODB_URI; autocannon in this process, ' +
      `${CONNECTIONS} connections. Data: ${data.people.toLocaleString('en')} people, ${data.units.toLocaleString('en')} units, ${data.completions.toLocaleString('en')} completions (seed:scale, ${data.seconds} s with the roll-ups). ` +
      `Lesson page: GET \`${lesson}\` signed in, ${LESSON_SECONDS} s after a warm-up; quiz submission: POST of ${SUBMISSIONS} different open attempts, each once. ` +
      'One and two processes alternate, so that the machine\'s other work weighs on both alike; "load" is the 1-minute load average as the phase began.',
    '',
    '| round | app processes | load | lesson req/s | lesson p99 | submissions/s | submission p99 | not 2xx/3xx |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `**Two processes / one process** (means of the rounds): lesson page ${ratio((p) => p.lesson.rps)}× the throughput, ` +
      `p99 ${ratio((p) => p.lesson.p99)}×; quiz submission ${ratio((p) => p.submit.rps)}× the throughput, p99 ${ratio((p) => p.submit.p99)}×.`,
    '',
    `This machine has ${os.cpus().length} cores, shared by nginx, both app processes, FerretDB, PostgreSQL and the load generator — and, during this run, ` +
      'by other work (the load column): a second app process can only use what the first leaves idle, so the ratio here is not what two ' +
      'processes give on a server with a core per process (and the store on its own cores or a MongoDB replica set). The submissions write (a result, its settlement), so the store bounds them first.',
    '',
  ];
  writeSection('proxy', lines);
  console.log(lines.join('\n'));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
