/**
 * Cohort memberships and roster imports as tests outside test/cohorts/ set and read them: a
 * member who joined long ago, a closed cohort, an import a crash stopped half-way.
 */
import type { Types } from 'mongoose';
import { searchTextOf, User } from '../../src/accounts/user.model';
import { Cohort, CohortMember, RosterImport, type RosterImportDoc } from '../../src/cohorts/cohort.model';
import { findUnitByCode } from '../../src/org';

type Id = Types.ObjectId | string;

/** The person a member of the cohort since `addedAt` (the cohort page adds people only as of now). */
export async function addMemberSince(cohort: Id, user: Id, addedAt = new Date()): Promise<void> {
  await CohortMember.create({ cohort, user, addedAt });
}

/** Moves the day a member joined (to make them behind, or on track). */
export async function setMemberSince(cohort: Id, user: Id, addedAt: Date): Promise<void> {
  await CohortMember.updateOne({ cohort, user }, { $set: { addedAt } });
}

/** Members of the cohort. */
export async function countMembers(cohort: Id): Promise<number> {
  return CohortMember.countDocuments({ cohort });
}

/** The cohort closed now. */
export async function closeCohortNow(cohort: Id): Promise<void> {
  await Cohort.updateOne({ _id: cohort }, { $set: { closedAt: new Date() } });
}

/** The roster import as stored now, or null. */
export async function rosterImportOf(id: Id | string): Promise<RosterImportDoc | null> {
  return RosterImport.findById(id).lean<RosterImportDoc>();
}

/**
 * A confirmed roster import that a crash stopped after writing its first account (with a
 * placeholder password hash): the import is still "applying", since long enough to be taken over.
 */
export async function rosterImportStoppedAfterFirstAccount(id: Id | string, first: { username: string; fullName: string; unitCode: string }): Promise<void> {
  const batch = (await rosterImportOf(id))!;
  const unit = (await findUnitByCode(first.unitCode))!;
  await User.create({
    username: first.username,
    fullName: first.fullName,
    searchText: searchTextOf(first.fullName, first.username),
    passwordHash: 'x',
    mustChangePassword: true,
    role: 'volunteer',
    unit: unit._id,
    lineage: unit.lineage,
    createdByImport: batch._id,
  });
  await RosterImport.updateOne({ _id: batch._id }, { $set: { status: 'applying', attempt: 1, applyingAt: new Date(Date.now() - 10 * 60_000) } });
}
