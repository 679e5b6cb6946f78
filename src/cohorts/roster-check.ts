/**
 * Checks roster rows against the database and the importer's scope, in a few batched
 * queries (never one per row), and decides what each valid row will do.
 */
import type { Types } from 'mongoose';
import { usersByUsernames, validUsername, type UserDoc } from '../accounts';
import { LEARNER_ROLES } from '../shared/actor';
import { unitsByCodes } from '../org';
import type { Actor } from '../shared/actor';
import { normalizePhone } from '../shared/phone';
import { CohortMember } from './cohort.model';
import type { RosterRow } from './roster-file';

export interface PlannedRow {
  line: number;
  action: 'create' | 'update' | 'unchanged';
  enroll: boolean;
  username: string;
  fullName: string;
  unitCode: string;
  role: 'volunteer' | 'trainer';
  trainerUsername: string;
  phone: string | null;
}

export interface InvalidRow {
  line: number;
  username: string;
  reason: string;
  params: Record<string, string | number>;
}

/** The words a file may use for a role (a Map: a word such as `constructor` is just an unknown word). */
const ROLE_WORDS = new Map<string, 'volunteer' | 'trainer'>([
  ['', 'volunteer'],
  ['volunteer', 'volunteer'],
  ['tình nguyện viên', 'volunteer'],
  ['tnv', 'volunteer'],
  ['trainer', 'trainer'],
  ['tập huấn viên', 'trainer'],
  ['cán bộ tập huấn', 'trainer'],
  ['đội trưởng', 'trainer'],
]);

function inScope(actor: Actor, user: Pick<UserDoc, 'lineage' | 'retrainedBy' | '_id'>): boolean {
  if (String(user._id) === String(actor.id)) return true;
  const underUnit = user.lineage.some((id) => String(id) === String(actor.unitId));
  if (actor.role === 'trainer') return underUnit || String(user.retrainedBy ?? '') === String(actor.id);
  return underUnit;
}

/** What checking a row needs besides the row: the people, units and members it may name. */
interface RosterContext {
  actor: Actor;
  userBy: Map<string, UserDoc>;
  unitBy: Awaited<ReturnType<typeof unitsByCodes>>;
  memberIds: Set<string>;
  fileTrainers: Set<string>;
  /** the first line of each username seen so far (a later one is a duplicate) */
  firstLine: Map<string, number>;
}

type RosterUnit = NonNullable<ReturnType<RosterContext['unitBy']['get']>>;

/** Why a row was refused (a locale key and its parameters). */
interface Refusal {
  reason: string;
  params?: Record<string, string | number>;
}

export async function checkRoster(
  actor: Actor,
  cohortId: Types.ObjectId,
  rows: RosterRow[],
): Promise<{ planned: PlannedRow[]; invalid: InvalidRow[] }> {
  const usernames = [...new Set(rows.flatMap((r) => [r.username, r.trainerUsername]).filter(Boolean))];
  const codes = [...new Set(rows.map((r) => r.unitCode).filter(Boolean))];
  // each by its indexed key (an `$in` would make the store read every person)
  const [users, unitBy, members] = await Promise.all([
    usersByUsernames(usernames),
    unitsByCodes(codes),
    CohortMember.find({ cohort: cohortId }).select('user').lean(),
  ]);
  const ctx: RosterContext = {
    actor,
    userBy: new Map(users.map((u) => [u.username, u])),
    unitBy,
    memberIds: new Set(members.map((m) => String(m.user))),
    fileTrainers: new Set(rows.filter((r) => ROLE_WORDS.get(r.role) === 'trainer').map((r) => r.username)),
    firstLine: new Map<string, number>(),
  };

  const planned: PlannedRow[] = [];
  const invalid: InvalidRow[] = [];
  for (const r of rows) {
    const verdict = checkRow(ctx, r);
    if ('reason' in verdict) invalid.push({ line: r.line, username: r.username.slice(0, 64), reason: verdict.reason, params: verdict.params ?? {} });
    else planned.push(verdict);
  }
  invalid.sort((a, b) => a.line - b.line);
  return { planned, invalid };
}

/** One row: its own fields first, then its trainer, then what it does to an existing account. */
function checkRow(ctx: RosterContext, r: RosterRow): PlannedRow | Refusal {
  const { actor, unitBy, firstLine } = ctx;
  if (r.unreadable) return { reason: 'roster.unreadableLine' };
  if (!validUsername(r.username)) return { reason: 'roster.badUsername' };
  if (firstLine.has(r.username)) return { reason: 'roster.duplicateInFile', params: { line: firstLine.get(r.username)! } };
  firstLine.set(r.username, r.line);
  if (!r.fullName || r.fullName.length > 120) return { reason: 'roster.badName' };
  const role = ROLE_WORDS.get(r.role);
  if (!role) return { reason: 'roster.badRole', params: { role: r.role.slice(0, 30) } };
  const unit = unitBy.get(r.unitCode);
  if (!unit) return { reason: 'roster.unknownUnit', params: { code: r.unitCode.slice(0, 32) } };
  if (!unit.lineage.some((id) => String(id) === String(actor.unitId))) return { reason: 'roster.unitOutOfScope', params: { code: r.unitCode } };
  if (unit.level !== 'team' && unit.level !== 'commune') return { reason: 'roster.unitLevel', params: { code: r.unitCode } };
  const phone = normalizePhone(r.phone);
  if (phone === false) return { reason: 'roster.badPhone', params: { phone: r.phone.slice(0, 20) } };
  const trainerUsername = checkTrainer(ctx, r);
  if (typeof trainerUsername !== 'string') return trainerUsername;
  return planRow(ctx, r, role, unit, phone, trainerUsername);
}

/** The row's trainer (the importer when the column is empty), or why it cannot be one. */
function checkTrainer(ctx: RosterContext, r: RosterRow): string | Refusal {
  const { actor, userBy, fileTrainers } = ctx;
  const trainerUsername = r.trainerUsername || actor.username;
  if (trainerUsername !== actor.username) {
    const trainer = userBy.get(trainerUsername);
    if (!trainer && !fileTrainers.has(trainerUsername)) return { reason: 'roster.unknownTrainer', params: { username: trainerUsername } };
    if (trainer && (!inScope(actor, trainer) || trainer.role === 'volunteer')) {
      return { reason: trainer.role === 'volunteer' ? 'roster.trainerNotTrainer' : 'roster.trainerOutOfScope', params: { username: trainerUsername } };
    }
    if (trainerUsername === r.username) return { reason: 'roster.selfTrainer' };
  }
  return trainerUsername;
}

/** What a valid row does: create an account, update one in scope, or nothing. */
function planRow(ctx: RosterContext, r: RosterRow, role: PlannedRow['role'], unit: RosterUnit, phone: string | null, trainerUsername: string): PlannedRow | Refusal {
  const { actor, userBy, memberIds } = ctx;
  const existing = userBy.get(r.username);
  if (existing && !inScope(actor, existing)) return { reason: 'roster.usernameTaken' };
  // A roster manages learners: a staff or admin account is never renamed or moved by one.
  if (existing && !(LEARNER_ROLES as readonly string[]).includes(existing.role)) return { reason: 'roster.notALearner', params: { username: r.username } };
  let action: PlannedRow['action'] = 'create';
  if (existing) {
    const newRole = existing.role === 'volunteer' && role === 'trainer' ? 'trainer' : existing.role;
    const retrainerChange = Boolean(r.trainerUsername) && userBy.get(r.trainerUsername) && String(existing.retrainedBy ?? '') !== String(userBy.get(r.trainerUsername)!._id);
    const changed =
      existing.fullName !== r.fullName ||
      String(existing.unit) !== String(unit._id) ||
      (phone !== null && existing.phone !== phone) ||
      newRole !== existing.role ||
      Boolean(retrainerChange) ||
      (!existing.retrainedBy && !r.trainerUsername && String(existing._id) !== String(actor.id));
    action = changed ? 'update' : 'unchanged';
    // one's own name, unit and role are changed on one's account page, not by a roster row
    if (action === 'update' && String(existing._id) === String(actor.id)) return { reason: 'roster.ownAccount' };
  }
  return {
    line: r.line,
    action,
    enroll: !existing || !memberIds.has(String(existing._id)),
    username: r.username,
    fullName: r.fullName,
    unitCode: unit.code,
    role,
    trainerUsername,
    phone,
  };
}
