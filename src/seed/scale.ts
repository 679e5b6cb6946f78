/**
 * Synthetic national-scale data (contract `seed:scale`): communes (some remote) and teams
 * under the provinces, a trainer per province, commune and team forming the cascade, the
 * volunteers under the team leaders, and mixed progress. Written in large batches; every
 * synthetic account shares one password hash (they are not real people).
 */
import mongoose, { type Types } from 'mongoose';
import { hashPassword, searchTextOf, User } from '../accounts';
import { completionBucket, CourseCompletion, LessonRead } from '../courses';
import { loadDefaultTreeIfEmpty, treeChanged, Unit, type UnitDoc } from '../org';
import { markCompletionsBucketed } from '../reports';

export interface ScaleOptions {
  volunteers: number;
  communes: number;
  remote: number;
  teams: number;
  progress?: (done: number, total: number, what: string) => void;
}

export const SCALE_DEFAULTS: ScaleOptions = { volunteers: 240_000, communes: 3321, remote: 286, teams: 4821 };
export const SCALE_PASSWORD = 'Scale-data-2025!';

/** Deterministic pseudo-random numbers, so that two runs make the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Hoàng', 'Ngọc', 'Đức', 'Thanh', 'Quốc', 'Hải'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Hùng', 'Lan', 'Linh', 'Mai', 'Nam', 'Phương', 'Quân', 'Sơn', 'Thảo', 'Trang', 'Tuấn', 'Vy', 'Yến', 'Ượng'];

async function insertAll(model: mongoose.Model<never>, docs: object[], batch = 2000, onBatch?: (n: number) => void): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) {
    await model.insertMany(docs.slice(i, i + batch), { ordered: false, lean: true } as never);
    onBatch?.(Math.min(i + batch, docs.length));
  }
}

type Commune = { _id: Types.ObjectId; code: string; lineage: Types.ObjectId[]; province: UnitDoc };
type Team = { _id: Types.ObjectId; lineage: Types.ObjectId[]; commune: Commune };

export async function seedScale(opts: ScaleOptions): Promise<{ units: number; people: number; completions: number }> {
  const progress = opts.progress ?? (() => undefined);
  await loadDefaultTreeIfEmpty();
  if (await Unit.exists({ code: 'SC-00001' })) throw new Error('scale data is already present (unit SC-00001 exists)');
  const provinces = await Unit.find({ level: 'province' }).sort({ code: 1 }).lean<UnitDoc[]>();
  const rand = rng(2025);
  const passwordHash = await hashPassword(SCALE_PASSWORD);

  const { communes, teams, unitDocs } = buildUnits(opts, provinces);
  await insertAll(Unit as never, unitDocs, 2000, (n) => progress(n, unitDocs.length, 'units'));
  await treeChanged();

  const people = buildCascade(opts, provinces, communes, teams, personMaker(rand, passwordHash));
  const { completions, reads } = mixProgress(people, rand);
  await insertAll(User as never, people, 2000, (n) => progress(n, people.length, 'people'));
  await insertAll(CourseCompletion as never, completions, 4000, (n) => progress(n, completions.length, 'completions'));
  await insertAll(LessonRead as never, reads, 4000, (n) => progress(n, reads.length, 'lesson reads'));
  await markCompletionsBucketed();
  return { units: unitDocs.length, people: people.length, completions: completions.length };
}

/** Units: communes spread over provinces, teams over communes. */
function buildUnits(opts: ScaleOptions, provinces: UnitDoc[]): { communes: Commune[]; teams: Team[]; unitDocs: object[] } {
  const communes: Commune[] = [];
  const unitDocs: object[] = [];
  for (let i = 0; i < opts.communes; i++) {
    const province = provinces[i % provinces.length]!;
    const _id = new mongoose.Types.ObjectId();
    const code = `SC-${String(i + 1).padStart(5, '0')}`;
    const lineage = [...province.lineage, _id];
    communes.push({ _id, code, lineage, province });
    unitDocs.push({ _id, code, nameVi: `Xã Mẫu ${i + 1}`, nameEn: `Sample Commune ${i + 1}`, level: 'commune', parent: province._id, lineage, remote: i < opts.remote });
  }
  const teams: Team[] = [];
  for (let i = 0; i < opts.teams; i++) {
    const commune = communes[i % communes.length]!;
    const _id = new mongoose.Types.ObjectId();
    const lineage = [...commune.lineage, _id];
    teams.push({ _id, lineage, commune });
    unitDocs.push({ _id, code: `ST-${String(i + 1).padStart(5, '0')}`, nameVi: `Đội Mẫu ${i + 1}`, nameEn: `Sample Team ${i + 1}`, level: 'team', parent: commune._id, lineage, remote: i % communes.length < opts.remote });
  }
  return { communes, teams, unitDocs };
}

/** One synthetic account, named from the shared random sequence (so the call order makes the data). */
function personMaker(rand: () => number, passwordHash: string) {
  return (username: string, role: 'trainer' | 'volunteer', unit: { _id: Types.ObjectId; lineage: Types.ObjectId[] }, trainer: { _id: Types.ObjectId; cascadePath: Types.ObjectId[] } | null) => {
    const fullName = `${FAMILY[Math.floor(rand() * FAMILY.length)]} ${MIDDLE[Math.floor(rand() * MIDDLE.length)]} ${GIVEN[Math.floor(rand() * GIVEN.length)]}`;
    return {
      _id: new mongoose.Types.ObjectId(),
      username,
      fullName,
      searchText: searchTextOf(fullName, username),
      passwordHash,
      mustChangePassword: false,
      role,
      unit: unit._id,
      lineage: unit.lineage,
      retrainedBy: trainer?._id ?? null,
      cascadePath: trainer ? [...trainer.cascadePath, trainer._id] : [],
      completed: [] as string[],
      completedAt: {} as Record<string, Date>,
      started: [] as string[],
      disabled: false,
      phone: null,
      locale: null,
      lastLoginAt: null,
    };
  };
}
type ScalePerson = ReturnType<ReturnType<typeof personMaker>>;

/** The cascade: province trainer → commune trainer → team leader → volunteers. */
function buildCascade(opts: ScaleOptions, provinces: UnitDoc[], communes: Commune[], teams: Team[], person: ReturnType<typeof personMaker>): ScalePerson[] {
  const provinceTrainer = new Map(provinces.map((p, i) => [String(p._id), person(`sc.tinh${i + 1}`, 'trainer', p, null)]));
  const communeTrainer = new Map(communes.map((c, i) => [String(c._id), person(`sc.xa${i + 1}`, 'trainer', c, provinceTrainer.get(String(c.province._id))!)]));
  const leaders = teams.map((t, i) => person(`sc.doi${i + 1}`, 'trainer', t, communeTrainer.get(String(t.commune._id))!));
  const people = [...provinceTrainer.values(), ...communeTrainer.values(), ...leaders];
  for (let i = 0; i < opts.volunteers; i++) {
    const t = i % teams.length;
    people.push(person(`sc.tnv${i + 1}`, 'volunteer', teams[t]!, leaders[t]!));
  }
  return people;
}

/** Mixed progress: 45% both courses, 20% Digital Literacy only, 10% Two-Level only, 15% started, 10% not started. */
function mixProgress(people: ScalePerson[], rand: () => number): { completions: object[]; reads: object[] } {
  const completions: object[] = [];
  const reads: object[] = [];
  const at = new Date();
  for (const p of people) {
    const r = rand();
    const done = r < 0.45 ? ['digital-literacy', 'two-level-government'] : r < 0.65 ? ['digital-literacy'] : r < 0.75 ? ['two-level-government'] : [];
    p.completed = done;
    p.started = [...done];
    for (const course of done) {
      p.completedAt[course] = at;
      completions.push({ user: p._id, course, completedAt: at, contentVersion: 'scale', bucket: completionBucket(p._id) });
    }
    if (r >= 0.75 && r < 0.9) {
      reads.push({ user: p._id, course: 'digital-literacy', lesson: '01-movement-and-devices/the-movement', readAt: at });
      p.started.push('digital-literacy');
    }
  }
  return { completions, reads };
}
