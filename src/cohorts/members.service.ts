/** Re-issuing the password of one member of a cohort. */
import { reissueLearnerPassword, type UserDoc } from '../accounts';
import type { Actor } from '../shared/actor';
import { isObjectId } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { CohortMember } from './cohort.model';
import { cohortInScope } from './cohorts.service';

/** A new one-time password for a member of the cohort, through accounts (in scope, audited). */
export async function reissueMemberPassword(actor: Actor, cohortId: string, userId: string): Promise<{ user: UserDoc; oneTimePassword: string }> {
  const cohort = await cohortInScope(actor, cohortId);
  if (!isObjectId(userId)) throw new NotFound();
  const member = await CohortMember.findOne({ cohort: cohort._id, user: userId }).lean();
  if (!member) throw new NotFound();
  return reissueLearnerPassword(actor, userId, `cohort=${cohort._id}`);
}
