/**
 * Quiz submission benchmark on the embedded store (FerretDB), over real HTTP:
 *  A. 50 concurrent identical submissions of one attempt, repeated for several learners:
 *     how many results and completions remain (must be exactly one each), and latency;
 *  B. many learners each submitting their own attempt, 20 at a time: throughput and latency.
 * Writes bench/RESULTS.md. Run: npm run bench
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import pino from 'pino';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loadContent } from '../src/courses';
import { CourseCompletion } from '../src/courses/progress.model';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes, useStorePostgres } from '../src/db';
import { QuizResult } from '../src/quizzes/quiz.model';
import { createTree, createUser, TEST_PASSWORD } from '../test/helpers/factories';
import { writeFixtureContent } from '../test/helpers/content';
import { Client } from './client';
import { writeSection } from './results-file';

const DUPLICATES = 50;
const DUPLICATE_ROUNDS = 5;
const LEARNERS = 100;
const CONCURRENCY = 20;


function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

async function signIn(base: string, username: string): Promise<Client> {
  const c = new Client(base);
  const _csrf = await c.csrf('/login');
  const res = await c.request('POST', '/login', { _csrf, username, password: TEST_PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return c;
}

/** Starts an attempt and returns the form to submit (all answers right: "a" in the fixture banks). */
async function prepareAttempt(c: Client, course = 'digital-literacy', module = '01-first'): Promise<{ url: string; form: Record<string, string> }> {
  const _csrf = await c.csrf(`/courses/${course}/${module}/quiz`);
  const started = await c.request('POST', `/courses/${course}/${module}/quiz/start`, { _csrf });
  const page = await c.request('GET', started.location!);
  const qids = [...new Set([...page.text.matchAll(/name="q_([\w-]+)"/g)].map((m) => m[1]!))];
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { url: `${started.location!}/submit`, form: { _csrf: token, ...Object.fromEntries(qids.map((q) => [`q_${q}`, 'a'])) } };
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const logger = pino({ level: 'silent' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  await connectMongoose(await store.start(), 'bench');
  useStorePostgres(store.postgresUrl);
  await syncIndexes();
  await createTree();
  const { catalog } = loadContent(writeFixtureContent());
  const app = createApp({ config, logger, catalog: catalog!, loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A. duplicates
  const dupLatencies: number[] = [];
  const dupRounds: { results: number; completions: number; statuses: string }[] = [];
  for (let round = 0; round < DUPLICATE_ROUNDS; round++) {
    const { user } = await createUser('volunteer', 'T-HN');
    const c = await signIn(base, user.username);
    // The course that needs its quizzes: every lesson read, the first module passed; the
    // duplicated submission passes the second module and so completes the course.
    for (const key of ['01-first/one', '01-first/two', '02-second/one', '02-second/two']) {
      await c.request('POST', `/courses/two-level-government/${key}/read`, { _csrf: await c.csrf('/courses') });
    }
    const first = await prepareAttempt(c, 'two-level-government', '01-first');
    await c.request('POST', first.url, first.form);
    const { url, form } = await prepareAttempt(c, 'two-level-government', '02-second');
    const responses = await Promise.all(
      Array.from({ length: DUPLICATES }, async () => {
        const t0 = performance.now();
        const r = await c.request('POST', url, form);
        dupLatencies.push(performance.now() - t0);
        return r.status;
      }),
    );
    const counts = new Map<number, number>();
    for (const s of responses) counts.set(s, (counts.get(s) ?? 0) + 1);
    dupRounds.push({
      results: await QuizResult.countDocuments({ user: user._id, module: '02-second' }),
      completions: await CourseCompletion.countDocuments({ user: user._id, course: 'two-level-government' }),
      statuses: [...counts].map(([s, n]) => `${n}×${s}`).join(', '),
    });
  }

  // B. distinct learners
  const learners: { c: Client; url: string; form: Record<string, string> }[] = [];
  for (let i = 0; i < LEARNERS; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    const c = await signIn(base, user.username);
    learners.push({ c, ...(await prepareAttempt(c)) });
  }
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(learners, CONCURRENCY, async (l) => {
    const s = performance.now();
    const r = await l.c.request('POST', l.url, l.form);
    if (r.status !== 303) throw new Error(`submission answered ${r.status}`);
    latencies.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  const resultCount = await QuizResult.estimatedDocumentCount();

  const lines = [
    '## Quiz submission',
    '',
    `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, embedded store FerretDB v1.24.2 on PostgreSQL, app and store on one machine over loopback.`,
    '',
    `### A. ${DUPLICATES} concurrent identical submissions of one attempt (${DUPLICATE_ROUNDS} learners)`,
    '',
    'Each learner has read every lesson and passed the first module of a course that needs its quizzes; the 50 copies submit the second module, which completes the course.',
    '',
    '| learner | results stored | completions | responses |',
    '| --- | --- | --- | --- |',
    ...dupRounds.map((r, i) => `| ${i + 1} | ${r.results} | ${r.completions} | ${r.statuses} |`),
    '',
    `Latency of those ${dupLatencies.length} requests: p50 ${percentile(dupLatencies, 50)} ms, p95 ${percentile(dupLatencies, 95)} ms, max ${percentile(dupLatencies, 100)} ms.`,
    '',
    `### B. ${LEARNERS} learners each submitting their own attempt, ${CONCURRENCY} at a time`,
    '',
    `- throughput: ${Math.round((LEARNERS / seconds) * 10) / 10} submissions/s`,
    `- latency: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${percentile(latencies, 100)} ms`,
    `- results collection size at the end: ${resultCount} documents`,
    '',
  ];
  writeSection('quiz-submit', lines);
  console.log(lines.join('\n'));

  server.close();
  await mongoose.disconnect();
  await store.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const ok = dupRounds.every((r) => r.results === 1 && r.completions === 1);
  process.exitCode = ok ? 0 : 1;
}

void main();
