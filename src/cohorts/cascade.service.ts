/**
 * The cascade: who retrained whom. "Everyone under trainer X" is `{ cascadePath: X }`,
 * so a whole branch is one query, however deep it goes.
 */
import type { Types } from 'mongoose';
import { activePeopleInCascade, activePeopleRetrainedBy, personById, type Person } from '../accounts';
import { figuresFor, figuresUnder, type Figures } from '../reports';
import { isObjectId, LEARNER_ROLES, type Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { can } from '../shared/permissions';

export interface LevelCounts {
  level: number;
  people: number;
  digitalLiteracy: number;
  twoLevelGovernment: number;
  compliant: number;
}

export interface CascadeView {
  root: Person;
  /** The people the root retrained, each with the counts of their own branch. */
  direct: { user: Person; branch: number; branchCompliant: number; completed: string[]; compliant: boolean }[];
  levels: LevelCounts[];
  total: LevelCounts;
}

/**
 * The root must be the actor, someone in the actor's cascade, or (staff) a trainer in their scope.
 * The actor's own document, when the request has already read it (`self`), is not read again.
 */
async function rootFor(actor: Actor, userId: string | null, self?: Person): Promise<Person> {
  if (!userId || userId === String(actor.id)) {
    if (self && String(self._id) === String(actor.id)) return self;
    const me = await personById(actor.id);
    if (!me) throw new NotFound();
    return me;
  }
  if (!isObjectId(userId)) throw new NotFound();
  // by `_id` alone (an index serves it; an `$or` would make the store read everyone), then the scope
  const user = await personById(userId);
  const has = (ids: unknown[] | undefined, id: unknown) => (ids ?? []).some((x) => String(x) === String(id));
  const inCascade = user && has(user.cascadePath, actor.id);
  const inUnit = user && (actor.role === 'staff' || actor.role === 'admin') && has(user.lineage, actor.unitId);
  if (!user || !(inCascade || inUnit)) throw new NotFound();
  return user;
}

/**
 * Above this many people, a cascade is shown from its roll-ups rather than from the people: a
 * team leader's own volunteers are read live (a few dozen), a commune trainer's hundreds and a
 * province's thousands come from the roll-ups (a few documents, kept by each process).
 */
export const cascadeLimits = { liveMax: 60 };

export async function cascadeOf(actor: Actor, userId: string | null, self?: Person): Promise<CascadeView> {
  if (!can(actor, 'readCascade')) throw new NotFound();
  const root = await rootFor(actor, userId, self);
  const rolled = (await figuresFor([`trainer:${root._id}`])).get(`trainer:${root._id}`)!;
  if (rolled.people > cascadeLimits.liveMax) return cascadeFromRollups(root, rolled);
  // Counted as the reports count: learners whose accounts are in use.
  const members = (await activePeopleInCascade(root._id)).filter((m) => (LEARNER_ROLES as readonly string[]).includes(m.role));
  const has = (u: Person, course: string) => (u.completed ?? []).includes(course);
  const compliant = (u: Person) => has(u, 'digital-literacy') && has(u, 'two-level-government');

  const rootDepth = (root.cascadePath ?? []).length + 1;
  const levels = new Map<number, LevelCounts>();
  const total: LevelCounts = { level: 0, people: 0, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0 };
  for (const m of members) {
    const level = (m.cascadePath as Types.ObjectId[]).length - rootDepth + 1;
    if (!levels.has(level)) levels.set(level, { level, people: 0, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0 });
    for (const counts of [levels.get(level)!, total]) {
      counts.people += 1;
      if (has(m, 'digital-literacy')) counts.digitalLiteracy += 1;
      if (has(m, 'two-level-government')) counts.twoLevelGovernment += 1;
      if (compliant(m)) counts.compliant += 1;
    }
  }
  // Each direct trainee's branch: everyone whose cascade passes through them (one pass over the members).
  const branches = new Map(members.filter((m) => String(m.retrainedBy) === String(root._id)).map((user) => [String(user._id), { user, branch: 0, branchCompliant: 0 }]));
  for (const m of members) {
    for (const id of m.cascadePath as Types.ObjectId[]) {
      const b = branches.get(String(id));
      if (!b) continue;
      b.branch += 1;
      if (compliant(m)) b.branchCompliant += 1;
    }
  }
  const direct = [...branches.values()]
    .map((b) => ({ ...b, completed: [...(b.user.completed ?? [])], compliant: compliant(b.user) }))
    .sort((a, b) => b.branch - a.branch || a.user.fullName.localeCompare(b.user.fullName, 'vi'));
  return { root, direct, levels: [...levels.values()].sort((a, b) => a.level - b.level), total };
}

/**
 * A large cascade (a province's trainers) from its roll-ups: the totals, each level and each
 * direct trainee's branch are derived documents, so the page reads a few hundred documents
 * however many thousand people the cascade holds. They lag the people by the roll-up job's
 * interval (under a minute).
 */
async function cascadeFromRollups(root: Person, rolled: Figures): Promise<CascadeView> {
  const [levelFigures, branchFigures, trainees] = await Promise.all([
    figuresUnder(`levels:${root._id}`),
    figuresUnder(`trainer:${root._id}`),
    activePeopleRetrainedBy(root._id),
  ]);
  const counts = (level: number, f: Figures): LevelCounts => ({ level, people: f.people, digitalLiteracy: f.digitalLiteracy, twoLevelGovernment: f.twoLevelGovernment, compliant: f.compliant });
  const levels = [...levelFigures]
    .map(([key, f]) => counts(Number(key.split(':').pop()), f))
    .filter((l) => l.people > 0)
    .sort((a, b) => a.level - b.level);
  const compliant = (u: Person) => ['digital-literacy', 'two-level-government'].every((c) => (u.completed ?? []).includes(c));
  const direct = trainees
    .filter((u) => (LEARNER_ROLES as readonly string[]).includes(u.role))
    .map((user) => {
      const f = branchFigures.get(`trainer:${user._id}`);
      // a trainee's branch is the people under them (as on the live path)
      return { user, branch: f?.people ?? 0, branchCompliant: f?.compliant ?? 0, completed: [...(user.completed ?? [])], compliant: compliant(user) };
    })
    .sort((a, b) => b.branch - a.branch || a.user.fullName.localeCompare(b.user.fullName, 'vi'));
  return { root, direct, levels, total: counts(0, rolled) };
}
