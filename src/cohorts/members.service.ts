/** Re-issuing the password of one member of a cohort. */
import { mayReissue, personInScope, reissueLearnerPassword, type UserDoc } from '../accounts';
import type { Actor } from '../shared/actor';
import { isObjectId } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { CohortMember, type CohortDoc } from './cohort.model';
import { cohortInScope } from './cohorts.service';

/** A member of a cohort in the actor's scope whose password the actor may re-issue (anyone else, or another unit's cohort: NotFound). */
export async function memberOf(actor: Actor, cohortId: string, userId: string): Promise<{ cohort: CohortDoc; member: UserDoc }> {
  const cohort = await cohortInScope(actor, cohortId);
  if (!isObjectId(userId)) throw new NotFound();
  const membership = await CohortMember.findOne({ cohort: cohort._id, user: userId }).lean();
  if (!membership) throw new NotFound();
  const member = await personInScope(actor, userId);
  // a password only for those the actor may re-issue (a trainer: their own volunteers)
  if (!mayReissue(actor, member, ownsCohort(actor, cohort))) throw new NotFound();
  return { cohort, member };
}

/** The cohort is the actor's own (they made it). */
export function ownsCohort(actor: Actor, cohort: CohortDoc): boolean {
  return String(cohort.owner) === String(actor.id);
}

/** A new one-time password for a member of the cohort, through accounts (in scope, audited). */
export async function reissueMemberPassword(actor: Actor, cohortId: string, userId: string): Promise<{ cohort: CohortDoc; user: UserDoc; oneTimePassword: string }> {
  const { cohort } = await memberOf(actor, cohortId, userId);
  return { cohort, ...(await reissueLearnerPassword(actor, userId, `cohort=${cohort._id}`, { inOwnCohort: ownsCohort(actor, cohort) })) };
}
