/**
 * Accounts made and changed by a cohort's roster import (cohorts plans the file; accounts
 * writes its own records here, with its own rules: one-time passwords, search text, lineage).
 */
import type { Types } from 'mongoose';
import { insertEach, updateEach } from '../db/bulk';
import { usersByUsernames } from './accounts.service';
import { generateOneTimePassword, hashOneTimePassword } from './password';
import { searchTextOf, User } from './user.model';
import type { Role } from '../shared/actor';

type PlacedUnit = { _id: Types.ObjectId; lineage: Types.ObjectId[] };

export interface ImportedAccount {
  username: string;
  fullName: string;
  role: Role;
  unit: PlacedUnit;
  phone: string | null;
}

export type ShownPassword = { username: string; fullName: string; password: string };

/**
 * New accounts of an import, each with a one-time password (stored hashed; the clear text is
 * returned once, for the importer's sheet). Returns how many accounts are this import's.
 */
export async function createImportedAccounts(accounts: ImportedAccount[], importId: Types.ObjectId): Promise<{ created: number; passwords: ShownPassword[] }> {
  const passwords: ShownPassword[] = [];
  const newDocs = accounts.map((a) => {
    const password = generateOneTimePassword();
    passwords.push({ username: a.username, fullName: a.fullName, password });
    return {
      username: a.username,
      fullName: a.fullName,
      searchText: searchTextOf(a.fullName, a.username),
      passwordHash: hashOneTimePassword(password),
      mustChangePassword: true,
      role: a.role,
      unit: a.unit._id,
      lineage: a.unit.lineage,
      phone: a.phone,
      createdByImport: importId,
    };
  });
  let created = newDocs.length;
  if (newDocs.length > 0) {
    const { duplicates: clash } = await insertEach(User, newDocs);
    if (clash) created = await keepOurAccounts(newDocs, passwords, importId);
  }
  return { created, passwords };
}

/**
 * A username taken meanwhile is not ours, unless an earlier try of this import made it:
 * then its password was never shown, and it gets a new one now. Drops the passwords of the
 * others from `passwords` and returns how many accounts are ours.
 */
async function keepOurAccounts(newDocs: { username: string; passwordHash: string }[], passwords: ShownPassword[], importId: Types.ObjectId): Promise<number> {
  const existing = new Map((await usersByUsernames(newDocs.map((d) => d.username))).map((u) => [u.username, u]));
  const keep = new Set<string>();
  const reissue: { filter: { _id: Types.ObjectId }; update: { $set: Record<string, unknown> } }[] = [];
  for (const d of newDocs) {
    const u = existing.get(d.username);
    if (!u) continue;
    if (u.passwordHash === d.passwordHash) keep.add(d.username);
    else if (String(u.createdByImport ?? '') === String(importId) && u.mustChangePassword) {
      reissue.push({ filter: { _id: u._id }, update: { $set: { passwordHash: d.passwordHash } } });
      keep.add(d.username);
    }
  }
  await updateEach(User, reissue);
  for (let i = passwords.length - 1; i >= 0; i--) if (!keep.has(passwords[i]!.username)) passwords.splice(i, 1);
  return keep.size;
}

/** What an import changes on one existing person. */
export interface RosterChange {
  userId: Types.ObjectId;
  /** Their chain of trainers, as the file sets it. */
  cascadePath: Types.ObjectId[];
  /** Their trainer, when the file names a new one. */
  retrainedBy?: Types.ObjectId;
  /** An update row: name, unit and phone from the file; a volunteer named a trainer there is promoted. */
  details?: { username: string; fullName: string; unit: PlacedUnit; phone: string | null; promote: boolean };
}

/** Applies an import's changes to existing people (lineage with the unit; moves are announced by the caller). */
export async function applyRosterChanges(changes: RosterChange[]): Promise<void> {
  const ops = changes.map((c) => {
    const set: Record<string, unknown> = { cascadePath: c.cascadePath };
    if (c.retrainedBy) set.retrainedBy = c.retrainedBy;
    if (c.details) {
      set.fullName = c.details.fullName;
      set.searchText = searchTextOf(c.details.fullName, c.details.username);
      set.unit = c.details.unit._id;
      set.lineage = c.details.unit.lineage;
      if (c.details.phone) set.phone = c.details.phone;
      if (c.details.promote) set.role = 'trainer';
    }
    return { filter: { _id: c.userId }, update: { $set: set } };
  });
  await updateEach(User, ops);
}
