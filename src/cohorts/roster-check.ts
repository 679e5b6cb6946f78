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
  const userBy = new Map(users.map((u) => [u.username, u]));
  const memberIds = new Set(members.map((m) => String(m.user)));
  const fileTrainers = new Set(rows.filter((r) => ROLE_WORDS.get(r.role) === 'trainer').map((r) => r.username));

  const planned: PlannedRow[] = [];
  const invalid: InvalidRow[] = [];
  const firstLine = new Map<string, number>();
  for (const r of rows) {
    const bad = (reason: string, params: Record<string, string | number> = {}) => invalid.push({ line: r.line, username: r.username.slice(0, 64), reason, params });
    if (r.unreadable) {
      bad('roster.unreadableLine');
      continue;
    }
    if (!validUsername(r.username)) {
      bad('roster.badUsername');
      continue;
    }
    if (firstLine.has(r.username)) {
      bad('roster.duplicateInFile', { line: firstLine.get(r.username)! });
      continue;
    }
    firstLine.set(r.username, r.line);
    if (!r.fullName || r.fullName.length > 120) {
      bad('roster.badName');
      continue;
    }
    const role = ROLE_WORDS.get(r.role);
    if (!role) {
      bad('roster.badRole', { role: r.role.slice(0, 30) });
      continue;
    }
    const unit = unitBy.get(r.unitCode);
    if (!unit) {
      bad('roster.unknownUnit', { code: r.unitCode.slice(0, 32) });
      continue;
    }
    if (!unit.lineage.some((id) => String(id) === String(actor.unitId))) {
      bad('roster.unitOutOfScope', { code: r.unitCode });
      continue;
    }
    if (unit.level !== 'team' && unit.level !== 'commune') {
      bad('roster.unitLevel', { code: r.unitCode });
      continue;
    }
    const phone = normalizePhone(r.phone);
    if (phone === false) {
      bad('roster.badPhone', { phone: r.phone.slice(0, 20) });
      continue;
    }
    const trainerUsername = r.trainerUsername || actor.username;
    if (trainerUsername !== actor.username) {
      const trainer = userBy.get(trainerUsername);
      if (!trainer && !fileTrainers.has(trainerUsername)) {
        bad('roster.unknownTrainer', { username: trainerUsername });
        continue;
      }
      if (trainer && (!inScope(actor, trainer) || trainer.role === 'volunteer')) {
        bad(trainer.role === 'volunteer' ? 'roster.trainerNotTrainer' : 'roster.trainerOutOfScope', { username: trainerUsername });
        continue;
      }
      if (trainerUsername === r.username) {
        bad('roster.selfTrainer');
        continue;
      }
    }
    const existing = userBy.get(r.username);
    if (existing && !inScope(actor, existing)) {
      bad('roster.usernameTaken');
      continue;
    }
    // A roster manages learners: a staff or admin account is never renamed or moved by one.
    if (existing && !(LEARNER_ROLES as readonly string[]).includes(existing.role)) {
      bad('roster.notALearner', { username: r.username });
      continue;
    }
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
      if (action === 'update' && String(existing._id) === String(actor.id)) {
        bad('roster.ownAccount');
        continue;
      }
    }
    planned.push({
      line: r.line,
      action,
      enroll: !existing || !memberIds.has(String(existing._id)),
      username: r.username,
      fullName: r.fullName,
      unitCode: unit.code,
      role,
      trainerUsername,
      phone,
    });
  }
  invalid.sort((a, b) => a.line - b.line);
  return { planned, invalid };
}
