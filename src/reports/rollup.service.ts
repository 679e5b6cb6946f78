/**
 * Compliance roll-ups: for every unit and every trainer's cascade, the people and how
 * many completed each course and both. Built from the people (one pass, each person's
 * completed courses kept on them) when something changed, and read by pages and exports,
 * so that no page view walks the raw records.
 */
import mongoose, { type Types } from 'mongoose';
import { User } from '../accounts';
import { CourseCompletion } from '../courses';
import { LEARNER_ROLES } from '../shared/actor';
import { changedAt } from '../shared/changes';
import { Rollup, ZERO, type Figures } from './rollup.model';
import { updateEach } from '../db/bulk';

const DL = 'digital-literacy';
const TLG = 'two-level-government';

type Tally = Map<string, Figures>;

function add(tally: Tally, key: string, dl: boolean, tlg: boolean): void {
  const f = tally.get(key) ?? { ...ZERO };
  f.people += 1;
  if (dl) f.digitalLiteracy += 1;
  if (tlg) f.twoLevelGovernment += 1;
  if (dl && tlg) f.compliant += 1;
  tally.set(key, f);
}

function peopleCursor() {
  return User.find({ role: mongoose.trusted({ $in: LEARNER_ROLES }), disabled: false })
    .select('lineage cascadePath completed')
    .lean<{ _id: Types.ObjectId; lineage: Types.ObjectId[]; cascadePath: Types.ObjectId[]; completed: string[] }[]>()
    .cursor({ batchSize: 2000 });
}

/**
 * Tallies every unit and cascade. `completedOf` says which courses a person completed:
 * the roll-up job reads it from the person; reconciliation from the completion records.
 */
async function tally(completedOf: (person: { _id: Types.ObjectId; completed: string[] }) => string[]): Promise<Tally> {
  const result: Tally = new Map();
  for await (const p of peopleCursor()) {
    const done = completedOf(p);
    const dl = done.includes(DL);
    const tlg = done.includes(TLG);
    for (const unit of p.lineage ?? []) add(result, `unit:${unit}`, dl, tlg);
    for (const trainer of p.cascadePath ?? []) add(result, `trainer:${trainer}`, dl, tlg);
  }
  return result;
}

/** Writes a new generation of roll-ups, then removes the older ones (readers take the newest). */
async function store(result: Tally, builtAt: Date): Promise<void> {
  const docs = [...result].map(([key, f]) => ({ key, ...f, builtAt }));
  for (let i = 0; i < docs.length; i += 2000) {
    await Rollup.insertMany(docs.slice(i, i + 2000), { ordered: false }).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err; // two processes building the same instant: same figures
    });
  }
  await Rollup.deleteMany({ builtAt: mongoose.trusted({ $lt: builtAt }) });
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
export async function rebuildRollups(now = new Date()): Promise<number> {
  const result = await tally((p) => p.completed ?? []);
  await store(result, now);
  lastBuilt = now;
  return result.size;
}

/** Rebuilds only when people or completions changed since the last build. */
export async function refreshRollupsIfChanged(now = new Date()): Promise<boolean> {
  const changed = await changedAt('people');
  if (lastBuilt && (!changed || changed <= lastBuilt)) return false;
  await rebuildRollups(now);
  return true;
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
  const done = new Map<string, Set<string>>();
  for await (const c of CourseCompletion.find({}).select('user course').lean().cursor({ batchSize: 2000 })) {
    const k = String(c.user);
    if (!done.has(k)) done.set(k, new Set());
    done.get(k)!.add(c.course);
  }
  let peopleRepaired = 0;
  const repairs: { updateOne: { filter: { _id: Types.ObjectId }; update: { $set: { completed: string[] } } } }[] = [];
  const actual = await tally((p) => {
    const truth = [...(done.get(String(p._id)) ?? [])].sort();
    const copy = [...(p.completed ?? [])].sort();
    if (truth.join() !== copy.join()) repairs.push({ updateOne: { filter: { _id: p._id }, update: { $set: { completed: truth } } } });
    return truth;
  });
  if (repairs.length) {
    await updateEach(User, repairs.map((r) => r.updateOne));
    peopleRepaired = repairs.length;
  }
  const stored = new Map([...newest(await Rollup.find({}).lean())].map(([k, r]) => [k, r as unknown as Figures]));
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

function pick(f: Figures): Figures {
  return { people: f.people, digitalLiteracy: f.digitalLiteracy, twoLevelGovernment: f.twoLevelGovernment, compliant: f.compliant };
}

/** Figures for these keys (one query); missing keys are zeros. */
export async function figuresFor(keys: string[]): Promise<Map<string, Figures>> {
  const docs = newest(await Rollup.find({ key: mongoose.trusted({ $in: keys }) }).lean());
  const out = new Map<string, Figures>();
  for (const k of keys) out.set(k, docs.has(k) ? pick(docs.get(k) as unknown as Figures) : ZERO);
  return out;
}

export function startRollupJob(log: { warn: (o: object, m: string) => void }, everyMs = 20_000): () => void {
  const timer = setInterval(() => {
    refreshRollupsIfChanged().catch((err: unknown) => log.warn({ err }, 'roll-up refresh failed; will try again'));
  }, everyMs);
  timer.unref();
  void refreshRollupsIfChanged().catch(() => undefined);
  return () => clearInterval(timer);
}
