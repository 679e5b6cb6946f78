/**
 * The retraining figures' reads at the campaign's size, on the default store (FerretDB on
 * PostgreSQL): 240,000 people retrained and their 240,000 attendance records in 4,821 teams
 * (bulk-inserted, BENCH_PEOPLE), and a tally per unit. Measures (median and worst of 20) what a
 * unit page reads (a tally by key), and what the job reads to count one team again (its
 * "retrained" records, its attendance, its children's tallies). `npx tsx bench/retraining-figures.ts`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import '../src/app'; // every feature's models, so that index sync covers them all
import { loadConfig } from '../src/config';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes, useStorePostgres } from '../src/db';
import { RetrainedPerson, RetrainingTally } from '../src/retraining/figures.model';
import { RetrainingAttendance } from '../src/retraining/session.model';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 240_000);
const TEAMS = 4_821;
const COMMUNES = 3_321;
const PROVINCES = 34;
const id = () => new mongoose.Types.ObjectId();

async function timed(fn: () => Promise<unknown>): Promise<{ median: number; worst: number }> {
  const runs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await fn();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { median: Math.round(runs[10]! * 10) / 10, worst: Math.round(runs[19]! * 10) / 10 };
}

/** The tree: provinces, communes spread over them, teams spread over the communes (lineages root first). */
function tree() {
  const central = id();
  const provinces = Array.from({ length: PROVINCES }, () => [central, id()]);
  const communes = Array.from({ length: COMMUNES }, (_, i) => [...provinces[i % PROVINCES]!, id()]);
  const teams = Array.from({ length: TEAMS }, (_, i) => [...communes[i % COMMUNES]!, id()]);
  return { central, provinces, communes, teams };
}

async function seed(t: ReturnType<typeof tree>): Promise<void> {
  const session = id();
  const at = new Date();
  for (let start = 0; start < PEOPLE; start += 2_000) {
    const people = [];
    const attendance = [];
    for (let n = start; n < Math.min(PEOPLE, start + 2_000); n++) {
      const lineage = t.teams[n % TEAMS]!;
      const user = id();
      people.push({ user, unit: lineage.at(-1), lineage, firstAt: at, session });
      attendance.push({ session, user, lineage, unit: lineage.at(-1), via: 'roster', at, recordedBy: user });
    }
    await RetrainedPerson.insertMany(people, { ordered: false });
    await RetrainingAttendance.insertMany(attendance, { ordered: false });
  }
  const tallies = [...t.provinces, ...t.communes, ...t.teams].map((lineage) => ({
    key: `unit:${lineage.at(-1)}`,
    parent: `unit:${lineage.at(-2)}`,
    held: 3,
    weeks: [{ week: '2026-W49', held: 3 }],
    retrained: 50,
    builtAt: at,
  }));
  for (let i = 0; i < tallies.length; i += 1_000) await RetrainingTally.insertMany(tallies.slice(i, i + 1_000));
}

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const logger = pino({ level: 'warn' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-retraining-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  const uri = await store.start();
  try {
    useStorePostgres(store.postgresUrl);
    await connectMongoose(uri, 'bench');
    await syncIndexes();
    const t = tree();
    const began = performance.now();
    await seed(t);
    await syncIndexes(); // GIN indexes and ANALYZE for what the seed made
    console.log(`seeded ${PEOPLE} retrained people and attendance records in ${TEAMS} teams in ${Math.round((performance.now() - began) / 1000)} s`);
    const team = t.teams[123]!.at(-1)!;
    const commune = t.communes[45]!.at(-1)!;
    const province = t.provinces[6]!.at(-1)!;
    const results = {
      'unit page: a province tally by key': await timed(() => RetrainingTally.findOne({ key: `unit:${province}` }).lean()),
      'unit page: a team tally by key': await timed(() => RetrainingTally.findOne({ key: `unit:${team}` }).lean()),
      'job: a team\'s "retrained" records ({unit})': await timed(() => RetrainedPerson.find({ unit: team }).select('user').lean()),
      'job: a commune\'s children tallies ({parent})': await timed(() => RetrainingTally.find({ parent: `unit:${commune}` }).lean()),
      'build/export: a team\'s attendance ({lineage, unit})': await timed(() => RetrainingAttendance.find({ lineage: team, unit: team }).lean()),
      'job: a person\'s attendance ({user})': await timed(() => RetrainingAttendance.find({ user: id() }).lean()),
    };
    for (const [what, r] of Object.entries(results)) console.log(`${what.padEnd(56)} median ${r.median} ms, worst ${r.worst} ms`);
  } finally {
    await mongoose.disconnect();
    await store.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
