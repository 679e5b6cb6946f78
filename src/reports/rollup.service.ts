/**
 * Compliance roll-ups: for every unit and every trainer's cascade, the people and how
 * many completed each course and both. Built from the people (one pass, each person's
 * completed courses kept on them) when something changed, and read by pages and exports,
 * so that no page view walks the raw records.
 */
import mongoose, { type Types } from 'mongoose';
import { activePeopleOfUnit, activePeopleRetrainedBy, placesOf, repairCourseMarks } from '../accounts';
import { bucketUnbucketedCompletions, COMPLETION_BUCKETS, completionsInBucket } from '../courses';
import { LEARNER_ROLES } from '../shared/actor';
import { changedAt, clearDirtyMarks, dirtyMarks, places, type DirtyMark } from '../shared/changes';
import { LIST_MAX, Rollup, ZERO, type Figures } from './rollup.model';
import { insertEach, mapLimit } from '../db/bulk';
import { allUnitIds } from '../org';
import { insertOnce } from '../db/insert-once';
import { runJob } from '../shared/metrics';

const DL = 'digital-literacy';
const TLG = 'two-level-government';

type Waiting = { username: string; fullName: string };
type Tally = Map<string, Figures & { parent: string | null; waiting?: Waiting[] }>;

/** Counts one person into `f`. */
function countOne(f: Figures, dl: boolean, tlg: boolean): void {
  f.people += 1;
  if (dl) f.digitalLiteracy += 1;
  if (tlg) f.twoLevelGovernment += 1;
  if (dl && tlg) f.compliant += 1;
}

function add(tally: Tally, key: string, parent: string | null, dl: boolean, tlg: boolean): void {
  let f = tally.get(key);
  if (!f) tally.set(key, (f = { ...ZERO, parent }));
  countOne(f, dl, tlg);
}

type TallyPerson = {
  _id: Types.ObjectId;
  username: string;
  fullName: string;
  lineage: Types.ObjectId[];
  cascadePath: Types.ObjectId[];
  completed: string[];
  completedAt?: Record<string, Date>;
  started?: string[];
};

/** Lineage positions of a commune and a team (central 0, province 1): the units whose pages list people. */
const LISTED_FROM_DEPTH = 2;

/**
 * Every learner whose account is in use, a unit at a time (each query an equality the
 * store serves from an index, and short: one cursor over everyone would outlast the
 * store's statement timeout at national scale).
 */
async function* everyLearner(): AsyncGenerator<TallyPerson> {
  for (const unitId of await allUnitIds()) {
    const people = (await activePeopleOfUnit(unitId)) as unknown as (TallyPerson & { role: string })[];
    for (const p of people) if ((LEARNER_ROLES as readonly string[]).includes(p.role)) yield p;
  }
}

/**
 * Tallies every unit and cascade. `completedOf` says which courses a person completed:
 * the roll-up job reads it from the person; reconciliation from the completion records.
 */
async function tally(completedOf: (person: TallyPerson) => string[]): Promise<Tally> {
  const result: Tally = new Map();
  for await (const p of everyLearner()) {
    const done = completedOf(p);
    const dl = done.includes(DL);
    const tlg = done.includes(TLG);
    const lineage = p.lineage ?? [];
    const path = p.cascadePath ?? [];
    lineage.forEach((unit, i) => add(result, `unit:${unit}`, i ? `unit:${lineage[i - 1]}` : null, dl, tlg));
    if (done.length === 0 && (p.started ?? []).length === 0) {
      for (const unit of lineage.slice(LISTED_FROM_DEPTH)) {
        const f = result.get(`unit:${unit}`)!;
        // the LIST_MAX first by username (as the incremental pass keeps them); memory stays bounded
        (f.waiting ??= []).push({ username: p.username, fullName: p.fullName });
        if (f.waiting.length >= 2 * LIST_MAX) f.waiting = firstByUsername(f.waiting);
      }
    }
    path.forEach((trainer, i) => {
      add(result, `trainer:${trainer}`, i ? `trainer:${path[i - 1]}` : null, dl, tlg);
      add(result, `level:${trainer}:${path.length - i}`, `levels:${trainer}`, dl, tlg);
    });
  }
  return result;
}

function byUsername(a: Waiting, b: Waiting): number {
  return a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
}

function firstByUsername(list: Waiting[]): Waiting[] {
  return [...list].sort(byUsername).slice(0, LIST_MAX);
}

/** The marker written last in each generation: listing generations is one equality query. */
const GENERATION = 'generation';

/** The `builtAt` of every complete generation, newest first. */
async function generations(): Promise<Date[]> {
  const marks = await Rollup.find({ key: GENERATION }).select('builtAt').lean();
  return marks.map((m) => m.builtAt).sort((a, b) => b.getTime() - a.getTime());
}

/**
 * Writes a new generation of roll-ups and its marker, then removes the older generations,
 * each by equality on its `builtAt` (readers take the newest per key meanwhile).
 */
async function store(result: Tally, builtAt: Date): Promise<void> {
  const docs = [...result].map(([key, f]) => ({ key, ...f, ...(f.waiting ? { waiting: firstByUsername(f.waiting) } : {}), builtAt }));
  docs.push({ key: GENERATION, ...ZERO, parent: null, builtAt });
  await insertEach(Rollup, docs); // a duplicate: two processes built the same instant, with the same figures
  forgetReads(); // this process sees its own build at once
  for (const old of await generations()) {
    if (old < builtAt) await Rollup.deleteMany({ builtAt: old });
  }
  // roll-ups the incremental pass wrote before this build began are older than it
  await Rollup.deleteMany({ incremental: true, builtAt: mongoose.trusted({ $lt: builtAt }) });
}

/** The newest generation of each roll-up key among `docs`. */
function newest<T extends { key: string; builtAt: Date }>(docs: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const d of docs) {
    const seen = out.get(d.key);
    if (!seen || seen.builtAt < d.builtAt) out.set(d.key, d);
  }
  return out;
}

let lastBuilt: Date | null = null;

/** Rebuilds the roll-ups (from each person's completed courses). */
export async function rebuildRollups(now = new Date()): Promise<Map<string, Figures>> {
  const result = await tally((p) => p.completed ?? []);
  await store(result, now);
  lastBuilt = now;
  return result;
}

/**
 * Brings the roll-ups up to date: a whole rebuild when people changed in a way only a rebuild
 * follows (a roster import, a re-organised tree) or when none was ever built; otherwise only the
 * units and cascades marked changed (`markFiguresChanged`). True when anything was written.
 */
export async function refreshRollupsIfChanged(now = new Date()): Promise<boolean> {
  // A process that just started compares with the newest stored generation, not with nothing:
  // at national scale a rebuild takes minutes, and each start of an app process must not cause one.
  lastBuilt ??= (await generations())[0] ?? null;
  const changed = await changedAt('people');
  const marks = await dirtyMarks(incrementalLimits.MAX_MARKS);
  if (!lastBuilt || (changed && changed > lastBuilt)) {
    await rebuildRollups(now);
    await clearDirtyMarks(marks); // the rebuild read those people after they were marked
    return true;
  }
  if (marks.length === 0) return false;
  await updateMarked(marks);
  await clearDirtyMarks(marks);
  return true;
}

/** How many marks one incremental pass takes (the rest wait for the next tick). */
const incrementalLimits = { MAX_MARKS: 2_000 };

type Learner = { role: string; username: string; fullName: string; completed?: string[]; started?: string[]; cascadePath?: Types.ObjectId[] };

function sumLearners(people: Learner[]): Figures & { notStarted: Waiting[] } {
  const f = { ...ZERO, notStarted: [] as Waiting[] };
  for (const p of people) {
    if (!(LEARNER_ROLES as readonly string[]).includes(p.role)) continue;
    const done = p.completed ?? [];
    countOne(f, done.includes(DL), done.includes(TLG));
    if (done.length === 0 && (p.started ?? []).length === 0) f.notStarted.push({ username: p.username, fullName: p.fullName });
  }
  return f;
}

function plus(a: Figures, b: Figures): Figures {
  return { people: a.people + b.people, digitalLiteracy: a.digitalLiteracy + b.digitalLiteracy, twoLevelGovernment: a.twoLevelGovernment + b.twoLevelGovernment, compliant: a.compliant + b.compliant };
}

/** The newest stored roll-up of every key under `parent`, read now (not from this process's reads). */
async function storedUnder(parent: string) {
  return newest(await Rollup.find({ parent }).lean());
}

/**
 * The incremental pass: each unit of the marked people (their own and every unit above) is
 * counted again from its own people and its children's roll-ups, deepest first; each trainer of
 * their cascades likewise from the people they retrained and their trainees' cascades. Every
 * read is an equality on an indexed key and returns one unit's people or one key's children.
 */
async function updateMarked(marks: DirtyMark[]): Promise<void> {
  const units = new Map<string, { depth: number; parent: string | null }>();
  const trainers = new Map<string, { depth: number; parent: string | null }>();
  const people = new Set<string>();
  for (const m of marks) {
    for (const u of m.units ?? []) units.set(u.id, u);
    for (const t of m.trainers ?? []) trainers.set(t.id, t);
    for (const p of m.people ?? []) people.add(String(p));
  }
  await mapLimit([...people], async (id) => {
    const p = await placesOf(id);
    for (const u of places([p?.lineage ?? []])) units.set(u.id, u);
    for (const t of places([p?.cascadePath ?? []])) trainers.set(t.id, t);
  }, 4);
  const deepestFirst = <T extends { depth: number }>(m: Map<string, T>) => [...m].sort((a, b) => b[1].depth - a[1].depth);
  for (const [id, { depth, parent }] of deepestFirst(units)) {
    const [own, children] = await Promise.all([activePeopleOfUnit(id), storedUnder(`unit:${id}`)]);
    const direct = sumLearners(own);
    let figures: Figures = pick(direct);
    const waiting = [...direct.notStarted];
    for (const c of children.values()) {
      figures = plus(figures, pick(c as unknown as Figures));
      for (const w of c.waiting ?? []) waiting.push({ username: w.username ?? '', fullName: w.fullName ?? '' });
    }
    await writeIncremental(`unit:${id}`, parent ? `unit:${parent}` : null, figures, depth >= LISTED_FROM_DEPTH ? firstByUsername(waiting) : undefined);
  }
  for (const [id, { parent }] of deepestFirst(trainers)) {
    const [retrained, branches, levelsBefore] = await Promise.all([
      activePeopleRetrainedBy(id),
      storedUnder(`trainer:${id}`),
      storedUnder(`levels:${id}`),
    ]);
    // the people this trainer retrained (their cascade ends with this trainer), then each trainee's own cascade
    const direct = pick(sumLearners(retrained.filter((p) => String((p.cascadePath ?? []).at(-1)) === id)));
    let figures: Figures = direct;
    const levels = new Map<number, Figures>([[1, direct]]);
    const branchLevels = await mapLimit([...branches.keys()], (key) => storedUnder(`levels:${key.slice('trainer:'.length)}`), 4);
    for (const branch of branches.values()) figures = plus(figures, pick(branch as unknown as Figures));
    for (const [levelKey, l] of branchLevels.flatMap((m) => [...m])) {
      const n = Number(levelKey.split(':').at(-1)) + 1; // a trainee's n-th level is this trainer's (n+1)-th
      levels.set(n, plus(levels.get(n) ?? ZERO, pick(l as unknown as Figures)));
    }
    await writeIncremental(`trainer:${id}`, parent ? `trainer:${parent}` : null, figures);
    for (const key of levelsBefore.keys()) {
      const n = Number(key.split(':').at(-1));
      if (!levels.has(n)) levels.set(n, ZERO); // a level that is empty now
    }
    for (const [n, f] of levels) await writeIncremental(`level:${id}:${n}`, `levels:${id}`, f);
  }
  await writeIncremental(INCREMENTAL_PASS, null, ZERO);
  forgetReads(); // this process sees its own pass at once
}

/** The marker every incremental pass writes last: processes drop their reads when it changes. */
const INCREMENTAL_PASS = 'incremental-pass';

/**
 * One key's new roll-up, newer than any stored one of that key, then the key's older
 * incremental roll-ups removed (those of a generation go with their generation, unless under another parent).
 */
async function writeIncremental(key: string, parent: string | null, figures: Figures, waiting?: Waiting[]): Promise<void> {
  const stored = await Rollup.find({ key }).select('builtAt incremental parent').lean();
  const latest = Math.max(0, ...stored.map((d) => d.builtAt.getTime()));
  const builtAt = new Date(Math.max(Date.now(), latest + 1));
  await insertOnce(Rollup, { key, parent, ...pick(figures), ...(waiting ? { waiting } : {}), builtAt, incremental: true }); // false: another process wrote this key at the same instant
  // An older one under another parent goes too, even a generation's (a trainer whose own trainer changed):
  // reads by parent must not find it there.
  for (const old of stored) if ((old.incremental || (old.parent ?? null) !== parent) && old.builtAt < builtAt) await Rollup.deleteOne({ key, builtAt: old.builtAt });
}

export interface Difference {
  key: string;
  stored: Figures;
  actual: Figures;
}

/**
 * Recomputes every roll-up from the raw records (completion records, not the copy on each
 * person), reports each difference and repairs it, including the copies on people.
 */
export async function reconcile(now = new Date()): Promise<{ differences: Difference[]; peopleRepaired: number }> {
  await giveCompletionsTheirBucket();
  // The raw records, a bucket at a time (each an indexed equality, none long).
  const done = new Map<string, Map<string, Date>>();
  for (let bucket = 0; bucket < COMPLETION_BUCKETS; bucket++) {
    for (const c of await completionsInBucket(bucket)) {
      const k = String(c.user);
      if (!done.has(k)) done.set(k, new Map());
      done.get(k)!.set(c.course, c.completedAt);
    }
  }
  let peopleRepaired = 0;
  const repairs: { userId: Types.ObjectId; completed: string[]; completedAt: Record<string, Date> }[] = [];
  const actual = await tally((p) => {
    const records = done.get(String(p._id)) ?? new Map<string, Date>();
    const truth = [...records.keys()].sort();
    const copy = [...(p.completed ?? [])].sort();
    const dates = (p.completedAt ?? {}) as Record<string, Date | undefined>;
    const datesRight = truth.every((c) => dates[c]?.getTime() === records.get(c)!.getTime()) && Object.keys(dates).length === truth.length;
    if (truth.join() !== copy.join() || !datesRight) {
      repairs.push({ userId: p._id, completed: truth, completedAt: Object.fromEntries(records) });
    }
    return truth;
  });
  if (repairs.length) {
    await repairCourseMarks(repairs);
    peopleRepaired = repairs.length;
  }
  // The newest complete generation (one equality query on its builtAt).
  const [latest] = await generations();
  const stored = new Map<string, Figures>();
  const current = newest([...(latest ? await Rollup.find({ builtAt: latest }).lean() : []), ...(await Rollup.find({ incremental: true }).lean())]);
  for (const [key, r] of current) if (key !== GENERATION && key !== INCREMENTAL_PASS) stored.set(key, r as unknown as Figures);
  const differences: Difference[] = [];
  const same = (a: Figures, b: Figures) => a.people === b.people && a.digitalLiteracy === b.digitalLiteracy && a.twoLevelGovernment === b.twoLevelGovernment && a.compliant === b.compliant;
  for (const key of new Set([...actual.keys(), ...stored.keys()])) {
    const a = actual.get(key) ?? ZERO;
    const s = stored.get(key) ?? ZERO;
    if (!same(a, s)) differences.push({ key, stored: pick(s), actual: pick(a) });
  }
  await store(actual, now);
  lastBuilt = now;
  return { differences, peopleRepaired };
}

/**
 * Completion records written before they had a bucket get theirs, once (a marker says it is
 * done, so that later runs do not read every record to find none).
 */
const BUCKETS_DONE = 'migration:completion-buckets';

async function giveCompletionsTheirBucket(): Promise<void> {
  if (await Rollup.exists({ key: BUCKETS_DONE })) return;
  await bucketUnbucketedCompletions();
  await markCompletionsBucketed();
}

/** Says that every completion record has its bucket (the seed, which writes them so, says it at once). */
export async function markCompletionsBucketed(): Promise<void> {
  await insertOnce(Rollup, { key: BUCKETS_DONE, ...ZERO, builtAt: new Date(0) });
}

function pick(f: Figures): Figures {
  return { people: f.people, digitalLiteracy: f.digitalLiteracy, twoLevelGovernment: f.twoLevelGovernment, compliant: f.compliant };
}

/**
 * Reads of roll-ups, kept in each process for as long as the stored roll-ups are unchanged.
 * Roll-ups change only when a generation or an incremental pass is written, and nearly every staff page and every
 * cascade reads the same few keys again and again (a province's 98 communes, with their lists,
 * are a few hundred kilobytes to decode each time). Each process checks the newest generation and
 * incremental pass at most every CHECK_MS (equality queries on a few marker documents) and drops its
 * reads when either changed; a build or pass in this process drops them at once. A read is so at most CHECK_MS older
 * than the newest generation, and the page says when its figures were made.
 */
export const rollupCache = { CHECK_MS: 3_000, MAX_ENTRIES: 5_000 };

type KeyRead = { figures: Figures; builtAt: Date; waiting: Waiting[] } | null;
let reads: { db: unknown; version: string; checkedAt: number; keys: Map<string, Promise<KeyRead>>; under: Map<string, Promise<Map<string, Figures>>> } | null = null;
let checkingVersion: Promise<void> | null = null;

function forgetReads(): void {
  reads = null;
}

/** What the stored roll-ups are at: the newest generation and the last incremental pass (two equality queries on markers). */
async function storedVersion(): Promise<string> {
  const [all, passes] = await Promise.all([generations(), Rollup.find({ key: INCREMENTAL_PASS }).select('builtAt').lean()]);
  return `${all[0]?.getTime() ?? ''}|${Math.max(0, ...passes.map((p) => p.builtAt.getTime()))}`;
}

async function currentReads() {
  const db = mongoose.connection.db;
  if (!reads || reads.db !== db) {
    const version = await storedVersion();
    if (!reads || reads.db !== db) reads = { db, version, checkedAt: Date.now(), keys: new Map(), under: new Map() };
    return reads;
  }
  if (Date.now() - reads.checkedAt >= rollupCache.CHECK_MS) {
    const mine = reads;
    checkingVersion ??= storedVersion()
      .then((version) => {
        mine.checkedAt = Date.now();
        if (version !== mine.version && reads === mine) forgetReads();
      })
      .finally(() => (checkingVersion = null));
    await checkingVersion.catch(() => undefined);
    if (!reads) return currentReads();
  }
  return reads;
}

function remember<T>(map: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  const known = map.get(key);
  if (known) return known;
  if (map.size >= rollupCache.MAX_ENTRIES) map.clear(); // bounded memory: the next reads fill it again
  const value = read();
  map.set(key, value);
  value.catch(() => map.get(key) === value && map.delete(key)); // a failed read is not kept
  return value;
}

/** Figures for these keys (one equality query each: for a few keys); missing keys are zeros. */
export async function figuresFor(keys: string[]): Promise<Map<string, Figures>> {
  const found = await Promise.all(keys.map((key) => rollupOf(key)));
  return new Map(keys.map((k, i) => [k, found[i]?.figures ?? ZERO]));
}

/** One key's figures, the time they were made, and (a commune's or team's) people not started; null before any build. */
export async function rollupOf(key: string): Promise<KeyRead> {
  const cache = await currentReads();
  return remember(cache.keys, key, async () => {
    const doc = newest(await Rollup.find({ key }).lean()).get(key);
    if (!doc) return null;
    return { figures: pick(doc as unknown as Figures), builtAt: doc.builtAt, waiting: (doc.waiting ?? []).map((w) => ({ username: w.username ?? '', fullName: w.fullName ?? '' })) };
  });
}

/** The figures of every key whose parent is `parent` (one query): a unit's children, a cascade's branches or levels. */
export async function figuresUnder(parent: string): Promise<Map<string, Figures>> {
  const cache = await currentReads();
  return remember(cache.under, parent, async () => {
    const docs = newest(await Rollup.find({ parent }).lean());
    return new Map([...docs].map(([k, d]) => [k, pick(d as unknown as Figures)]));
  });
}

export function startRollupJob(log: { warn: (o: object, m: string) => void }, everyMs = 5_000): () => void {
  // At national scale a rebuild takes longer than the interval: never start one while one runs.
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    runJob('reports.rollup', () => refreshRollupsIfChanged())
      .catch((err: unknown) => log.warn({ err }, 'roll-up refresh failed; will try again'))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
