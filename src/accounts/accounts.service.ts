/**
 * Accounts: creating people, signing in, passwords, disabling, moving. Every function
 * takes the acting person and keeps to their scope; outside it a person does not exist.
 */
import type { Types } from 'mongoose';
import { recordAudit } from '../audit';
import { findUnitByCode, unitNamed, type UnitDoc } from '../org';
import { allOf, isObjectId, LEARNER_ROLES, peopleScope, type Actor, type Role } from '../shared/actor';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import { markChanged, markFiguresChanged } from '../shared/changes';
import { createEvent } from '../shared/events';
import { mapLimit } from '../db/bulk';
import { recheckLater, updateSurely } from '../db/sure-update';
import { normalizeName } from '../shared/text';
import { generateOneTimePassword, hashPassword, passwordProblem, verifyDecoy, verifyPassword } from './password';
import { personMatches } from './person-search';
import { normalizePhone } from '../shared/phone';
import { searchTextOf, User, type UserDoc } from './user.model';
import { isDuplicateKey } from '../db/insert-once';
import { PAGE_SIZE, pageOf } from '../shared/pager';
import { can } from '../shared/permissions';

export const USERNAME_RE = /^[a-z0-9._-]{3,64}$/;

/** A username people may have: the characters above, and not a name objects already carry (`__proto__`, `constructor`…). */
export function validUsername(username: string): boolean {
  return USERNAME_RE.test(username) && !(username in Object.prototype);
}

const peopleMovedEvent = createEvent<[userIds: Types.ObjectId[], lineage: Types.ObjectId[]]>('accounts.peopleMoved');

/**
 * Called whenever people come to sit under another lineage: moved by staff, moved by a
 * roster import, or their unit moved in the tree. Features that keep a copy of a person's
 * lineage on their own records (certificates) keep it in step here. Connected in src/wiring.ts.
 */
export function onPeopleMoved(listener: (userIds: Types.ObjectId[], lineage: Types.ObjectId[]) => Promise<void>): void {
  peopleMovedEvent.on(listener);
}

export async function peopleMoved(userIds: Types.ObjectId[], lineage: Types.ObjectId[]): Promise<void> {
  if (userIds.length === 0) return;
  await peopleMovedEvent.emit(userIds, lineage);
}

/** People follow their unit when the tree is re-organised (listens to org's lineage changes; src/wiring.ts). */
export async function peopleFollowTheirUnit(unitId: Types.ObjectId, lineage: Types.ObjectId[]): Promise<void> {
  const ids = (await User.find({ unit: unitId }).select('_id').lean()).map((u) => u._id);
  if (ids.length === 0) return;
  await User.updateMany({ unit: unitId }, { $set: { lineage } });
  await peopleMoved(ids, lineage);
  await markChanged('people');
}

export function toActor(user: Pick<UserDoc, '_id' | 'username' | 'role' | 'unit'>, ip?: string): Actor {
  return { id: user._id, username: user.username, role: user.role, unitId: user.unit, ip };
}

/** Which roles each role may give to accounts it creates. */
const CREATABLE: Record<Role, readonly Role[]> = {
  admin: ['volunteer', 'trainer', 'staff', 'admin'],
  staff: ['volunteer', 'trainer', 'staff'],
  trainer: [],
  volunteer: [],
};

export function rolesCreatableBy(actor: Actor): readonly Role[] {
  return CREATABLE[actor.role];
}

export interface NewAccount {
  username: string;
  fullName: string;
  role: Role;
  unitCode: string;
  /** Given by an operator for their own account; otherwise a one-time password is made. */
  password?: string;
  phone?: string | null;
}

function usernameProblem(username: string): string | null {
  return validUsername(username) ? null : 'account.usernameRules';
}

/** Creates an account; an operator (CLI) acts with `actor = null` and any unit. */
export async function createAccount(actor: Actor | null, input: NewAccount): Promise<{ user: UserDoc; oneTimePassword: string | null }> {
  const fields: Record<string, string> = {};
  const username = input.username.trim().toLowerCase();
  const fullName = normalizeName(input.fullName);
  const uProblem = usernameProblem(username);
  if (uProblem) fields.username = uProblem;
  if (!fullName || fullName.length > 120) fields.fullName = 'account.fullNameRules';
  if (actor && !CREATABLE[actor.role].includes(input.role)) fields.role = 'account.roleNotAllowed';
  if (input.password !== undefined) {
    const p = passwordProblem(input.password, username);
    if (p) fields.password = p;
  }
  // a code or a name, as the unit picker sends it (an operator gives a code, any unit)
  const named = actor ? await unitNamed(actor, input.unitCode) : null;
  const unit: UnitDoc | null = named ? named.unit : await findUnitByCode(input.unitCode);
  if (named?.problem) fields.unitCode = named.problem;
  else if (!unit) fields.unitCode = 'account.unitUnknown';
  if (Object.keys(fields).length > 0 || !unit) throw new Invalid(fields);

  const oneTimePassword = input.password === undefined ? generateOneTimePassword() : null;
  try {
    const created = await User.create({
      username,
      fullName,
      searchText: searchTextOf(fullName, username),
      passwordHash: await hashPassword(input.password ?? oneTimePassword!),
      mustChangePassword: oneTimePassword !== null,
      role: input.role,
      unit: unit._id,
      lineage: unit.lineage,
      phone: input.phone ?? null,
    });
    await markFiguresChanged({ people: [created._id] });
    await recordAudit({
      action: 'user.created',
      actor,
      target: { id: created._id, username },
      lineage: unit.lineage,
      ip: actor?.ip,
      details: `role=${input.role} unit=${unit.code}`,
    });
    return { user: created.toObject() as UserDoc, oneTimePassword };
  } catch (err) {
    if (isDuplicateKey(err)) throw new Invalid({ username: 'account.usernameTaken' });
    throw err;
  }
}

export type SignInResult = { ok: true; user: UserDoc } | { ok: false; user: UserDoc | null; reason: 'unknown' | 'password' | 'disabled' };

/** Checks a username and password; every failure looks the same to the caller's user. */
export async function authenticate(username: string, password: string): Promise<SignInResult> {
  const user = await User.findOne({ username: username.trim().toLowerCase() }).lean<UserDoc>();
  if (!user) {
    await verifyDecoy(password);
    return { ok: false, user: null, reason: 'unknown' };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { ok: false, user, reason: 'password' };
  if (user.disabled) return { ok: false, user, reason: 'disabled' };
  await User.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
  return { ok: true, user };
}

/** The signed-in person, or null when the account is gone or disabled (their session then ends). */
export async function findActiveUser(id: string): Promise<UserDoc | null> {
  if (!isObjectId(id)) return null;
  const user = await User.findById(id).lean<UserDoc>();
  return user && !user.disabled ? user : null;
}

/** Changes the password; every session of the person begun before the returned moment ends (the caller keeps its own). */
export async function changePassword(actor: Actor, current: string, next: string): Promise<Date> {
  const user = await User.findById(actor.id).lean<UserDoc>();
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, current))) throw new Invalid({ currentPassword: 'password.currentWrong' });
  const problem = passwordProblem(next, user.username);
  if (problem) throw new Invalid({ newPassword: problem });
  if (await verifyPassword(user.passwordHash, next)) throw new Invalid({ newPassword: 'password.sameAsOld' });
  const passwordHash = await hashPassword(next);
  const validFrom = new Date(); // after hashing: a sign-in that began before this moment used the old password
  await updateSurely(User, user._id, 'password', { $set: { passwordHash, mustChangePassword: false, sessionsValidFrom: validFrom } }, (u: UserDoc) => u.passwordHash === passwordHash);
  await recordAudit({ action: 'password.changed', actor, target: { id: user._id, username: user.username }, lineage: user.lineage, ip: actor.ip });
  return validFrom;
}

export async function setLocale(actor: Actor, locale: 'vi' | 'en'): Promise<void> {
  await User.updateOne({ _id: actor.id }, { $set: { locale } });
}

/** A person inside the actor's scope, or NotFound. */
export async function personInScope(actor: Actor, id: string): Promise<UserDoc> {
  if (!isObjectId(id)) throw new NotFound();
  const user = await User.findOne(allOf({ _id: id }, peopleScope(actor))).lean<UserDoc>();
  if (!user) throw new NotFound();
  return user;
}

/** Administration (staff, admin) acts on people in its scope other than itself. */
async function managedPerson(actor: Actor, id: string): Promise<UserDoc> {
  if (!can(actor, 'managePeople')) throw new Forbidden();
  const user = await personInScope(actor, id);
  if (String(user._id) === String(actor.id)) throw new Conflict('account.notOnYourself');
  if (user.role === 'admin' && !can(actor, 'manageAdmins')) throw new Forbidden();
  return user;
}

export async function resetPassword(actor: Actor, id: string): Promise<{ user: UserDoc; oneTimePassword: string }> {
  const user = await managedPerson(actor, id);
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await updateSurely(User, user._id, 'password', { $set: { passwordHash, mustChangePassword: true, sessionsValidFrom: new Date() } }, (u: UserDoc) => u.passwordHash === passwordHash);
  await recordAudit({ action: 'password.reset', actor, target: { id: user._id, username: user.username }, lineage: user.lineage, ip: actor.ip });
  return { user, oneTimePassword };
}

/**
 * Whose password an actor may re-issue: staff and admins any learner in their scope; a
 * trainer only a volunteer they retrained or who is in a cohort of their own — never
 * another trainer, whose account would then be theirs to take.
 */
export function mayReissue(actor: Actor, user: Pick<UserDoc, '_id' | 'role' | 'retrainedBy'>, inOwnCohort: boolean): boolean {
  if (String(user._id) === String(actor.id) || !(LEARNER_ROLES as readonly string[]).includes(user.role)) return false;
  if (can(actor, 'managePeople')) return true;
  return can(actor, 'reissueLearnerPasswords') && user.role === 'volunteer' && (inOwnCohort || String(user.retrainedBy ?? '') === String(actor.id));
}

/**
 * A trainer (or staff) gives a learner of theirs a new one-time password, e.g. one lost from
 * the roster's sheet: the person must choose their own at next sign-in and every session
 * they had ends. Who may is `mayReissue`; anyone else is not found. Audited like a reset.
 */
export async function reissueLearnerPassword(actor: Actor, id: string, details: string, opts: { inOwnCohort: boolean }): Promise<{ user: UserDoc; oneTimePassword: string }> {
  if (!can(actor, 'reissueLearnerPasswords')) throw new Forbidden();
  const user = await personInScope(actor, id);
  if (String(user._id) === String(actor.id)) throw new Conflict('account.notOnYourself');
  if (!mayReissue(actor, user, opts.inOwnCohort)) throw new NotFound();
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await updateSurely(User, user._id, 'password', { $set: { passwordHash, mustChangePassword: true, sessionsValidFrom: new Date() } }, (u: UserDoc) => u.passwordHash === passwordHash);
  await recordAudit({ action: 'password.reset', actor, target: { id: user._id, username: user.username }, lineage: user.lineage, ip: actor.ip, details });
  return { user, oneTimePassword };
}

export async function setDisabled(actor: Actor, id: string, disabled: boolean): Promise<UserDoc> {
  const user = await managedPerson(actor, id);
  await updateSurely(User, user._id, 'disabled', { $set: { disabled } }, (u: UserDoc) => u.disabled === disabled);
  await markFiguresChanged({ people: [user._id] });
  await recordAudit({
    action: disabled ? 'user.disabled' : 'user.enabled',
    actor,
    target: { id: user._id, username: user.username },
    lineage: user.lineage,
    ip: actor.ip,
  });
  return { ...user, disabled };
}

export async function moveUser(actor: Actor, id: string, unitCode: string): Promise<UserDoc> {
  const user = await managedPerson(actor, id);
  const { unit, problem } = await unitNamed(actor, unitCode);
  if (problem) throw new Invalid({ unitCode: problem });
  await updateSurely(User, user._id, 'unit', { $set: { unit: unit._id, lineage: unit.lineage } }, (u: UserDoc) => String(u.unit) === String(unit._id));
  await peopleMoved([user._id], unit.lineage);
  await markFiguresChanged({ people: [user._id], lineages: [user.lineage] }); // counted again where they are and where they were
  await recordAudit({
    action: 'user.moved',
    actor,
    target: { id: user._id, username: user.username },
    lineage: unit.lineage,
    ip: actor.ip,
    details: `to=${unit.code}`,
  });
  return { ...user, unit: unit._id, lineage: unit.lineage };
}

export const PEOPLE_PAGE_SIZE = PAGE_SIZE;

/**
 * People in scope whose name or username contains `q`, accents ignored, or whose phone number does: the people of the
 * unit's subtree in one indexed query, filtered and sorted here. That is quick for a commune
 * or a team, about two seconds for a province's thousands (searched by name, never listed
 * whole), and too much for the centre: there, and for a province without a search, only an
 * exact username is looked up and the page offers the units under it (`tooMany`). A whole phone number is
 * looked up by its index wherever.
 */
export async function findPeople(
  actor: Actor,
  q: { text?: string; unit: { _id: Types.ObjectId; level: string }; page: number },
): Promise<{ people: UserDoc[]; hasMore: boolean; tooMany: boolean }> {
  const scope = peopleScope(actor);
  // a whole phone number is looked up by its index, at any level (a province's staff find a caller at once)
  const phone = q.text ? normalizePhone(q.text) : null;
  if (phone) {
    const people = await User.find(allOf({ phone, lineage: q.unit._id }, scope)).limit(PEOPLE_PAGE_SIZE).lean<UserDoc[]>();
    return { people, hasMore: false, tooMany: false };
  }
  if (q.unit.level === 'central' || (q.unit.level === 'province' && !q.text)) {
    const exact = q.text ? await User.findOne(allOf({ username: q.text.toLowerCase(), lineage: q.unit._id }, scope)).lean<UserDoc>() : null;
    return { people: exact ? [exact] : [], hasMore: false, tooMany: true };
  }
  // one batch (a commune's few hundred people) rather than the driver's 101 and a getMore
  const all = (await User.find(allOf({ lineage: q.unit._id }, scope)).batchSize(2000).lean<UserDoc[]>())
    .filter((p) => !q.text || personMatches(p, q.text))
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const { items, hasMore } = pageOf(all, q.page, PEOPLE_PAGE_SIZE);
  return { people: items, hasMore, tooMany: false };
}

export async function countUsers(): Promise<number> {
  return User.estimatedDocumentCount();
}

/** Makes a volunteer a trainer: staff and admins in scope, or the trainer who retrained them. */
export async function promoteToTrainer(actor: Actor, id: string): Promise<UserDoc> {
  if (!can(actor, 'promoteToTrainer')) throw new Forbidden();
  const user = await personInScope(actor, id);
  if (!can(actor, 'managePeople') && String(user.retrainedBy ?? '') !== String(actor.id)) throw new NotFound();
  if (user.role !== 'volunteer') return user;
  await User.updateOne({ _id: user._id, role: 'volunteer' }, { $set: { role: 'trainer' } });
  recheckLater(User, user._id, 'role', { $set: { role: 'trainer' } }, (u: UserDoc) => u.role !== 'volunteer');
  await recordAudit({ action: 'user.promoted', actor, target: { id: user._id, username: user.username }, lineage: user.lineage, ip: actor.ip });
  return { ...user, role: 'trainer' };
}

/** People by username (one lookup by `username` each, a few at a time): for a file's usernames. */
export async function usersByUsernames(usernames: string[]): Promise<UserDoc[]> {
  const distinct = [...new Set(usernames.filter(Boolean))];
  const users = await mapLimit(distinct, (username) => User.findOne({ username }).lean<UserDoc>().exec());
  return users.filter((u): u is UserDoc => u !== null);
}
