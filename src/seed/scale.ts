/**
 * Synthetic national-scale data (contract `seed:scale`): communes (some remote) and teams
 * under the provinces, a trainer per province, commune and team forming the cascade, the
 * volunteers under the team leaders, and mixed progress. Written in large batches; every
 * synthetic account shares one password hash (they are not real people).
 */
import mongoose, { type Types } from 'mongoose';
import { bulkLoadPeople, cascadePathUnder, hashPassword, type LoadedPerson } from '../accounts';
import { bulkLoadProgress, type LoadedCompletion, type LoadedRead } from '../courses';
import { centralUnit, childrenOf, findUnitByCode, importOrgCsv, loadDefaultTreeIfEmpty, unitsByCodes, type UnitDoc } from '../org';
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

type Commune = { _id: Types.ObjectId; code: string; lineage: Types.ObjectId[]; province: UnitDoc };
type Team = { _id: Types.ObjectId; lineage: Types.ObjectId[]; commune: Commune };

export async function seedScale(opts: ScaleOptions): Promise<{ units: number; people: number; completions: number }> {
  const progress = opts.progress ?? (() => undefined);
  await loadDefaultTreeIfEmpty();
  if (await findUnitByCode('SC-00001')) throw new Error('scale data is already present (unit SC-00001 exists)');
  const central = await centralUnit();
  const provinces = central ? (await childrenOf(central._id)).filter((u) => u.level === 'province').sort((a, b) => (a.code < b.code ? -1 : 1)) : [];
  const rand = rng(2025);
  const passwordHash = await hashPassword(SCALE_PASSWORD);

  const { communes, teams, unitCount } = await loadUnits(opts, provinces);
  progress(unitCount, unitCount, 'units');

  const people = buildCascade(opts, provinces, communes, teams, personMaker(rand));
  const { completions, reads } = mixProgress(people, rand);
  await bulkLoadPeople(people, passwordHash, { onBatch: (n) => progress(n, people.length, 'people') });
  await bulkLoadProgress(completions, reads, progress);
  await markCompletionsBucketed();
  return { units: unitCount, people: people.length, completions: completions.length };
}

/** Units: communes spread over provinces, teams over communes; loaded through the organisation's own import. */
async function loadUnits(opts: ScaleOptions, provinces: UnitDoc[]): Promise<{ communes: Commune[]; teams: Team[]; unitCount: number }> {
  const lines = ['code,name_vi,name_en,level,parent_code,remote'];
  const communeCode = (i: number) => `SC-${String(i + 1).padStart(5, '0')}`;
  const teamCode = (i: number) => `ST-${String(i + 1).padStart(5, '0')}`;
  for (let i = 0; i < opts.communes; i++) {
    lines.push([communeCode(i), `Xã Mẫu ${i + 1}`, `Sample Commune ${i + 1}`, 'commune', provinces[i % provinces.length]!.code, String(i < opts.remote)].join(','));
  }
  for (let i = 0; i < opts.teams; i++) {
    const c = i % opts.communes;
    lines.push([teamCode(i), `Đội Mẫu ${i + 1}`, `Sample Team ${i + 1}`, 'team', communeCode(c), String(c < opts.remote)].join(','));
  }
  const report = await importOrgCsv(lines.join('\n'));
  if (report.problems.length > 0) throw new Error(`scale units: ${report.problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
  const codes = [...Array(opts.communes).keys()].map(communeCode).concat([...Array(opts.teams).keys()].map(teamCode));
  const units = await unitsByCodes(codes);
  const communes: Commune[] = [];
  for (let i = 0; i < opts.communes; i++) {
    const u = units.get(communeCode(i))!;
    communes.push({ _id: u._id, code: u.code, lineage: u.lineage, province: provinces[i % provinces.length]! });
  }
  const teams: Team[] = [];
  for (let i = 0; i < opts.teams; i++) {
    const u = units.get(teamCode(i))!;
    teams.push({ _id: u._id, lineage: u.lineage, commune: communes[i % opts.communes]! });
  }
  return { communes, teams, unitCount: codes.length };
}

/** One synthetic account, named from the shared random sequence (so the call order makes the data). */
function personMaker(rand: () => number) {
  return (username: string, role: 'trainer' | 'volunteer', unit: { _id: Types.ObjectId; lineage: Types.ObjectId[] }, trainer: ScalePerson | null): ScalePerson => {
    const fullName = `${FAMILY[Math.floor(rand() * FAMILY.length)]} ${MIDDLE[Math.floor(rand() * MIDDLE.length)]} ${GIVEN[Math.floor(rand() * GIVEN.length)]}`;
    return {
      _id: new mongoose.Types.ObjectId(),
      username,
      fullName,
      role,
      unit: { _id: unit._id, lineage: unit.lineage },
      trainer: trainer ? { _id: trainer._id, cascadePath: cascadePathUnder(trainer.trainer) } : null,
      completed: [],
      completedAt: {},
      started: [],
    };
  };
}
type ScalePerson = LoadedPerson;

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
function mixProgress(people: ScalePerson[], rand: () => number): { completions: LoadedCompletion[]; reads: LoadedRead[] } {
  const completions: LoadedCompletion[] = [];
  const reads: LoadedRead[] = [];
  const at = new Date();
  for (const p of people) {
    const r = rand();
    const done = r < 0.45 ? ['digital-literacy', 'two-level-government'] : r < 0.65 ? ['digital-literacy'] : r < 0.75 ? ['two-level-government'] : [];
    p.completed = done;
    p.started = [...done];
    for (const course of done) {
      p.completedAt[course] = at;
      completions.push({ user: p._id, course, completedAt: at, contentVersion: 'scale' });
    }
    if (r >= 0.75 && r < 0.9) {
      reads.push({ user: p._id, course: 'digital-literacy', lesson: '01-movement-and-devices/the-movement', readAt: at });
      p.started.push('digital-literacy');
    }
  }
  return { completions, reads };
}
