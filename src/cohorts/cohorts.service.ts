/**
 * Cohorts: the people a trainer retrains, with courses and a due date; their roster
 * import (preview, then confirm) and their progress. Every function keeps to the scope.
 */
import type { Types } from 'mongoose';
import { applyRosterChanges, createImportedAccounts, peopleMoved, personById, personInScopeByUsername, usersByUsernames, type Person, type RosterChange } from '../accounts';
import { COURSE_SLUGS, lessonReadsOf, type Catalog } from '../courses';
import { unitNamed, unitsByCodes } from '../org';
import { isObjectId, type Actor } from '../shared/actor';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import { markFiguresChanged } from '../shared/changes';
import { foldForSearch } from '../shared/text';
import { Cohort, CohortMember, RosterImport, RosterImportClaim, type CohortDoc, type RosterImportDoc } from './cohort.model';
import { needsAttention, paceOf, shareDone, type PaceStatus } from './behind';
import { checkRoster, type PlannedRow } from './roster-check';
import type { RosterRow } from './roster-file';
import { seal } from './seal';
import { insertEach, mapLimit } from '../db/bulk';
import { insertOnce } from '../db/insert-once';
import { can } from '../shared/permissions';

/** How long the one-time passwords of an import can be shown again to its importer. */
export const PASSWORDS_KEPT_MS = 30 * 60 * 1000;

function requireTrainerOrStaff(actor: Actor): void {
  if (!can(actor, 'manageCohorts')) throw new Forbidden();
}

export interface NewCohort {
  name: string;
  unitCode: string;
  courses: string[];
  dueDate: Date | null;
}

export async function createCohort(actor: Actor, input: NewCohort): Promise<CohortDoc> {
  requireTrainerOrStaff(actor);
  const fields: Record<string, string> = {};
  const name = input.name.trim();
  if (!name || name.length > 120) fields.name = 'cohorts.nameRules';
  const courses = input.courses.filter((c) => (COURSE_SLUGS as readonly string[]).includes(c));
  if (courses.length === 0) fields.courses = 'cohorts.coursesRules';
  // a code or a name, as the unit picker sends it
  const { unit, problem } = await unitNamed(actor, input.unitCode);
  if (problem) fields.unitCode = problem;
  if (Object.keys(fields).length > 0 || !unit) throw new Invalid(fields);
  const created = await Cohort.create({ name, unit: unit._id, lineage: unit.lineage, courses, dueDate: input.dueDate, owner: actor.id, ownerUsername: actor.username });
  return created.toObject() as CohortDoc;
}

/** At most this many cohorts are listed (the newest; a search finds any). */
export const LISTED_COHORTS = 200;

/** Cohorts under the actor's unit (a trainer never sees one outside their subtree); `q` finds them by name, diacritics ignored. */
export async function listCohorts(actor: Actor, q = ''): Promise<CohortDoc[]> {
  requireTrainerOrStaff(actor);
  const needle = foldForSearch(q);
  if (!needle) return Cohort.find({ lineage: actor.unitId }).sort({ closedAt: 1, createdAt: -1 }).limit(LISTED_COHORTS).lean<CohortDoc[]>();
  // a search looks through every cohort of the scope (one equality on `lineage`, in batches), not just the newest
  const found: CohortDoc[] = [];
  for await (const c of Cohort.find({ lineage: actor.unitId }).select('-__v').lean<CohortDoc>().cursor({ batchSize: 500 })) {
    if (foldForSearch(c.name).includes(needle)) found.push(c as CohortDoc);
    if (found.length >= LISTED_COHORTS) break;
  }
  return found.sort((a, b) => Number(Boolean(a.closedAt)) - Number(Boolean(b.closedAt)) || b.createdAt.getTime() - a.createdAt.getTime());
}

export async function cohortInScope(actor: Actor, id: string): Promise<CohortDoc> {
  requireTrainerOrStaff(actor);
  if (!isObjectId(id)) throw new NotFound();
  const cohort = await Cohort.findOne({ _id: id, lineage: actor.unitId }).lean<CohortDoc>();
  if (!cohort) throw new NotFound();
  return cohort;
}

async function openCohort(actor: Actor, id: string): Promise<CohortDoc> {
  const cohort = await cohortInScope(actor, id);
  if (cohort.closedAt) throw new Conflict('cohorts.closed');
  return cohort;
}

export async function addMember(actor: Actor, cohortId: string, username: string): Promise<void> {
  const cohort = await openCohort(actor, cohortId);
  const user = await personInScopeByUsername(actor, username);
  if (!user) throw new Invalid({ username: 'cohorts.personUnknown' });
  await insertOnce(CohortMember, { cohort: cohort._id, user: user._id, addedAt: new Date() }); // false: already a member
}

export async function removeMember(actor: Actor, cohortId: string, userId: string): Promise<void> {
  const cohort = await openCohort(actor, cohortId);
  if (!isObjectId(userId)) throw new NotFound();
  await CohortMember.deleteOne({ cohort: cohort._id, user: userId });
}

export async function closeCohort(actor: Actor, cohortId: string): Promise<void> {
  const cohort = await openCohort(actor, cohortId);
  await Cohort.updateOne({ _id: cohort._id, closedAt: null }, { $set: { closedAt: new Date() } });
}

/**
 * The cohort and its present members as if made at `at` (a demo's cohort, or one brought over
 * from another system): the pace rule then judges from that day.
 */
export async function backdateCohort(actor: Actor, cohortId: string, at: Date): Promise<void> {
  const cohort = await cohortInScope(actor, cohortId);
  await Cohort.updateOne({ _id: cohort._id }, { $set: { createdAt: at } }, { timestamps: false });
  await CohortMember.updateMany({ cohort: cohort._id }, { $set: { addedAt: at } });
}

export interface MemberProgress {
  user: Person;
  courses: { slug: string; read: number; total: number; completed: boolean }[];
  /** Share of the cohort's work done, 0..1. */
  done: number;
  pace: PaceStatus;
  /** Behind or overdue (./behind says the rule). */
  behind: boolean;
  /** The newest of their last sign-in and their last lesson read (null: nothing yet). */
  lastActivity: { at: Date; kind: 'lesson' | 'login' } | null;
}

function lastActivityOf(user: Person, reads: { readAt?: Date | null }[]): MemberProgress['lastActivity'] {
  const lesson = reads.reduce<Date | null>((a, r) => (r.readAt && (!a || r.readAt > a) ? r.readAt : a), null);
  const login = user.lastLoginAt ?? null;
  if (lesson && (!login || lesson >= login)) return { at: lesson, kind: 'lesson' };
  return login ? { at: login, kind: 'login' } : null;
}

/** Members with their progress in the cohort's courses; people behind first. */
export async function cohortProgress(catalog: Catalog, cohort: CohortDoc, now = new Date()): Promise<MemberProgress[]> {
  const memberships = await CohortMember.find({ cohort: cohort._id }).select('user addedAt').lean();
  const ids = memberships.map((m) => m.user);
  const joined = new Map(memberships.map((m) => [String(m.user), m.addedAt ?? cohort.createdAt]));
  if (ids.length === 0) return [];
  // each member and their lesson reads by `_id` / `user`, a few at a time (an `$in` would read everyone)
  const found = await mapLimit(ids, async (id) => {
    const [user, userReads] = await Promise.all([personById(id), lessonReadsOf(id)]);
    return { user, userReads };
  });
  const users = found.map((f) => f.user).filter((u): u is Person => u !== null);
  const readsOf = new Map(found.map((f) => [String(f.user?._id), f.userReads]));
  const readCount = new Map<string, number>();
  for (const f of found) for (const r of f.userReads) readCount.set(`${f.user?._id}|${r.course}`, (readCount.get(`${f.user?._id}|${r.course}`) ?? 0) + 1);
  const finished = new Set(users.flatMap((u) => (u.completed ?? []).map((c) => `${u._id}|${c}`)));
  const rows = users.map((user) => {
    const courses = cohort.courses.map((slug) => {
      const total = catalog.courses.find((c) => c.slug === slug)?.modules.reduce((n, m) => n + m.lessons.length, 0) ?? 0;
      return { slug, read: readCount.get(`${user._id}|${slug}`) ?? 0, total, completed: finished.has(`${user._id}|${slug}`) };
    });
    const done = shareDone(courses);
    const pace = paceOf({ done, complete: courses.every((c) => c.completed), since: joined.get(String(user._id)) ?? now, dueDate: cohort.dueDate ?? null, now });
    return { user, courses, done, pace, behind: needsAttention(pace), lastActivity: lastActivityOf(user, readsOf.get(String(user._id)) ?? []) };
  });
  return rows.sort((a, b) => Number(b.behind) - Number(a.behind) || a.done - b.done || a.user.fullName.localeCompare(b.user.fullName, 'vi'));
}

/** Step 1 of an import: check every row and keep the plan for confirmation. */
export async function previewImport(actor: Actor, cohortId: string, fileName: string, rows: RosterRow[]): Promise<RosterImportDoc> {
  const cohort = await openCohort(actor, cohortId);
  const { planned, invalid } = await checkRoster(actor, cohort._id, rows);
  const created = await RosterImport.create({
    cohort: cohort._id,
    importer: actor.id,
    fileName: fileName.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120) || 'roster',
    rows: planned,
    invalid,
    createdAt: new Date(),
  });
  return created.toObject() as RosterImportDoc;
}

export async function importOf(actor: Actor, cohortId: string, importId: string): Promise<{ cohort: CohortDoc; batch: RosterImportDoc }> {
  const cohort = await cohortInScope(actor, cohortId);
  if (!isObjectId(importId)) throw new NotFound();
  const batch = await RosterImport.findOne({ _id: importId, cohort: cohort._id, importer: actor.id }).lean<RosterImportDoc>();
  if (!batch) throw new NotFound();
  return { cohort, batch };
}

/** A try of applying an import silent this long (no beat) is taken as dead. */
export const APPLY_STALE_MS = 2 * 60 * 1000;

export interface ApplyResult {
  created: number;
  updated: number;
  enrolled: number;
  passwords: { username: string; fullName: string; password: string }[];
}

/**
 * Step 2: apply the plan once (the status guard makes a double click a no-op). Valid rows
 * are saved, invalid ones were never planned; nothing saved before is touched otherwise.
 */
export async function applyImport(actor: Actor, cohortId: string, importId: string, secret: string): Promise<ApplyResult> {
  const { cohort, batch } = await importOf(actor, cohortId, importId);
  if (cohort.closedAt) throw new Conflict('cohorts.closed');
  // A try at a time, by a claim record per try (an insert under a unique key: a double click
  // or two tabs get one try). A try that died half-way (a crash, the store gone) may be taken
  // up again: every step below is idempotent.
  // The tries so far are the claims (a crash between a claim and the batch's own update must
  // not leave the next try claiming the same number for ever); the last one is alive while it
  // is recent or beats.
  if (batch.status === 'applied') throw new Conflict('cohorts.importDone');
  const claims = await RosterImportClaim.find({ batch: batch._id }).select('attempt at').lean<{ attempt: number; at: Date }[]>();
  const last = claims.reduce<{ attempt: number; at: Date } | null>((a, c) => (!a || c.attempt > a.attempt ? c : a), null);
  const lastSign = Math.max(last?.at.getTime() ?? 0, batch.applyingAt?.getTime() ?? 0);
  if (last && batch.status !== 'failed' && Date.now() - lastSign <= APPLY_STALE_MS) throw new Conflict('cohorts.importRunning');
  const attempt = Math.max(last?.attempt ?? 0, batch.attempt ?? 0) + 1;
  if (!(await insertOnce(RosterImportClaim, { batch: batch._id, attempt, at: new Date() }))) throw new Conflict('cohorts.importRunning');
  await RosterImport.updateOne({ _id: batch._id }, { $set: { status: 'applying', attempt, applyingAt: new Date() } });
  // a beat while this try runs (a national roster takes minutes): only a silent try is taken as dead
  const beat = setInterval(() => void RosterImport.updateOne({ _id: batch._id, attempt }, { $set: { applyingAt: new Date() } }).catch(() => undefined), APPLY_STALE_MS / 4);
  try {
    return await applyRows(actor, cohort, batch, secret, attempt);
  } catch (err) {
    await RosterImport.updateOne({ _id: batch._id, attempt }, { $set: { status: 'failed' } }).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(beat);
  }
}

type UnitsByCode = Awaited<ReturnType<typeof unitsByCodes>>;
type PeopleByName = Map<string, Awaited<ReturnType<typeof usersByUsernames>>[number]>;

async function applyRows(actor: Actor, cohort: CohortDoc, batch: RosterImportDoc, secret: string, attempt: number): Promise<ApplyResult> {
  const rows = (batch.rows ?? []) as unknown as PlannedRow[];

  const unitBy = await unitsByCodes(rows.map((r) => r.unitCode));

  // 1. New accounts, with one-time passwords (hashed; the clear text is only sealed below).
  const { created, passwords } = await createAccounts(rows, unitBy, batch);

  // 2. Everyone of the file, with their trainers, in one read; then who retrained whom.
  const names = [...new Set(rows.flatMap((r) => [r.username, r.trainerUsername]))];
  const people = await usersByUsernames(names);
  const byName: PeopleByName = new Map(people.map((u) => [u.username, u]));
  const cascadePath = cascadePathsOf(actor, rows, byName);
  await updatePeople(actor, rows, unitBy, byName, cascadePath);
  await movePeople(rows, unitBy, byName);

  // 3. Enrol, once each.
  const enrolled = await enrolRows(cohort, rows, byName);

  // the figures of every unit and cascade the file touched: where its people are now, and where they were
  const touched = rows.filter((r) => r.action !== 'unchanged' && byName.has(r.username));
  await markFiguresChanged({
    lineages: [...touched.map((r) => unitBy.get(r.unitCode)!.lineage), ...touched.map((r) => byName.get(r.username)!.lineage ?? [])],
    paths: [...touched.map((r) => cascadePath(r.username)), ...touched.map((r) => (byName.get(r.username)!.cascadePath ?? []) as Types.ObjectId[])],
  });
  await RosterImport.updateOne(
    { _id: batch._id, attempt },
    {
      $set: {
        status: 'applied',
        sealedPasswords: passwords.length ? seal(secret, passwords) : null,
        sealedUntil: passwords.length ? new Date(Date.now() + PASSWORDS_KEPT_MS) : null,
        passwordsKept: passwords.length > 0,
        result: { created, updated: rows.filter((r) => r.action === 'update').length, enrolled },
      },
    },
  );
  return { created, updated: rows.filter((r) => r.action === 'update').length, enrolled, passwords };
}

/** Step 1 of applying: the new accounts of the file, each with a one-time password (accounts makes them). */
async function createAccounts(rows: PlannedRow[], unitBy: UnitsByCode, batch: RosterImportDoc): Promise<{ created: number; passwords: ApplyResult['passwords'] }> {
  const fresh = rows.filter((r) => r.action === 'create').map((r) => ({ username: r.username, fullName: r.fullName, role: r.role, unit: unitBy.get(r.unitCode)!, phone: r.phone }));
  return createImportedAccounts(fresh, batch._id);
}

/** Who retrained whom: each person's chain of trainers, as the file sets it (memoised). */
function cascadePathsOf(actor: Actor, rows: PlannedRow[], byName: PeopleByName): (username: string) => Types.ObjectId[] {
  const pathOf = new Map<string, Types.ObjectId[]>();
  const rowBy = new Map(rows.map((r) => [r.username, r]));
  const cascadePath = (username: string, depth = 0): Types.ObjectId[] => {
    const known = pathOf.get(username);
    if (known) return known;
    const user = byName.get(username)!;
    const row = rowBy.get(username);
    let path: Types.ObjectId[] = (user.cascadePath ?? []) as Types.ObjectId[];
    if (row && depth < 20) {
      const trainer = byName.get(row.trainerUsername);
      const keepExisting = user.retrainedBy && row.trainerUsername === actor.username && row.action !== 'create';
      if (trainer && !keepExisting) path = [...cascadePath(trainer.username, depth + 1), trainer._id];
    }
    pathOf.set(username, path);
    return path;
  };
  return cascadePath;
}

/** Step 2 of applying: each changed person's trainer, chain, and (for updates) name, unit, phone, role. */
async function updatePeople(actor: Actor, rows: PlannedRow[], unitBy: UnitsByCode, byName: PeopleByName, cascadePath: (username: string) => Types.ObjectId[]): Promise<void> {
  const changes = rows
    .filter((r) => r.action !== 'unchanged' && byName.has(r.username))
    .map((r): RosterChange => {
      const user = byName.get(r.username)!;
      const trainer = byName.get(r.trainerUsername);
      const keepExisting = user.retrainedBy && r.trainerUsername === actor.username && r.action !== 'create';
      return {
        userId: user._id,
        cascadePath: cascadePath(r.username),
        retrainedBy: trainer && !keepExisting ? trainer._id : undefined,
        details: r.action === 'update' ? { username: r.username, fullName: r.fullName, unit: unitBy.get(r.unitCode)!, phone: r.phone, promote: user.role === 'volunteer' && r.role === 'trainer' } : undefined,
      };
    });
  await applyRosterChanges(changes);
}

/** People the file put in another unit. */
async function movePeople(rows: PlannedRow[], unitBy: UnitsByCode, byName: PeopleByName): Promise<void> {
  const moved = new Map<string, Types.ObjectId[]>();
  for (const r of rows) {
    const user = byName.get(r.username);
    if (r.action !== 'update' || !user || String(user.unit) === String(unitBy.get(r.unitCode)!._id)) continue;
    moved.set(r.unitCode, [...(moved.get(r.unitCode) ?? []), user._id]);
  }
  for (const [code, ids] of moved) await peopleMoved(ids, unitBy.get(code)!.lineage);
}

/** Step 3 of applying: enrol the file's people once each; returns how many of them are members. */
async function enrolRows(cohort: CohortDoc, rows: PlannedRow[], byName: PeopleByName): Promise<number> {
  const enrol = rows.filter((r) => r.enroll && byName.has(r.username)).map((r) => ({ cohort: cohort._id, user: byName.get(r.username)!._id, addedAt: new Date() }));
  let enrolled = enrol.length;
  const { duplicates: enrolClash } = await insertEach(CohortMember, enrol);
  if (enrolClash) {
    // some were members already (added meanwhile, or by an earlier try): count those of the file now in the cohort
    const wanted = new Set(enrol.map((e) => String(e.user)));
    enrolled = (await CohortMember.find({ cohort: cohort._id }).select('user').lean()).filter((m) => wanted.has(String(m.user))).length;
  }
  return enrolled;
}

/** Members per cohort: one count by `cohort` each (an `$in` would read every membership). */
export async function countMembers(cohortIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const counts = await mapLimit(cohortIds, (id) => CohortMember.countDocuments({ cohort: id }).exec());
  return new Map(cohortIds.map((id, i) => [String(id), counts[i]!]));
}

/** The people of a cohort (ids), for whole-cohort actions such as the certificates ZIP. */
/** The members of a cohort of the actor's scope (another's is a 404): whom a retraining session invites. */
export async function memberIdsInScope(actor: Actor, cohortId: string): Promise<Types.ObjectId[]> {
  return memberIds(await cohortInScope(actor, cohortId));
}

export async function memberIds(cohort: CohortDoc): Promise<Types.ObjectId[]> {
  return (await CohortMember.find({ cohort: cohort._id }).select('user').lean()).map((m) => m.user);
}
