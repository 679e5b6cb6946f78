/**
 * One permission table: which role may do what, named in the domain. Route guards
 * (`requireAbility`), services (`can`) and navigation read it; so does the authz matrix
 * test. Which records (a unit's subtree, a person's own) stays with each service's scope.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isTeamLeader, type Role } from './actor';
import { requireUser } from './auth';
import { Forbidden } from './errors';

/** Who asks: a signed-in user (with lineage) or a service's actor (role only). */
export type Subject = { role: Role; lineage?: unknown[] };

type Rule = { roles: readonly Role[]; only?: (who: Subject & { lineage: unknown[] }) => boolean };

const EVERYONE: readonly Role[] = ['volunteer', 'trainer', 'staff', 'admin'];
const TRAINERS_UP: readonly Role[] = ['trainer', 'staff', 'admin'];
const STAFF: readonly Role[] = ['staff', 'admin'];

const TABLE = {
  readHome: { roles: EVERYONE },
  readCourses: { roles: EVERYONE },
  readOwnCertificates: { roles: EVERYONE },
  /** Counted as a learner: has courses to complete and a learner's home. */
  learn: { roles: ['volunteer', 'trainer'] },
  readPeopleCertificates: { roles: TRAINERS_UP },
  revokeCertificate: { roles: STAFF },
  manageCohorts: { roles: TRAINERS_UP },
  importRoster: { roles: TRAINERS_UP },
  /** Re-issue a learner's one-time password, promote a volunteer (trainers: their own people). */
  reissueLearnerPasswords: { roles: TRAINERS_UP },
  promoteToTrainer: { roles: TRAINERS_UP },
  readCascade: { roles: TRAINERS_UP },
  readReports: { roles: STAFF },
  exportReports: { roles: STAFF },
  readPeopleInSubtree: { roles: STAFF },
  managePeople: { roles: STAFF },
  createAccounts: { roles: STAFF },
  /** Act on an administrator's account. */
  manageAdmins: { roles: ['admin'] },
  /** Team leaders: trainers whose own unit is a team. */
  fileFieldReport: { roles: ['trainer'], only: isTeamLeader },
  readFieldSummaries: { roles: STAFF },
  takeUpDifficulty: { roles: STAFF },
  readAudit: { roles: ['admin'] },
  manageOrg: { roles: STAFF },
  /** Schedule, edit, cancel retraining sessions, take their attendance, close them (trainers: their own; staff: their subtree). */
  manageRetraining: { roles: TRAINERS_UP },
  /** Change the attendance of a closed session, with a reason (audited). */
  correctRetraining: { roles: STAFF },
  /** Retraining figures per unit (sessions held, people retrained in person). */
  readRetrainingFigures: { roles: STAFF },
  /** "My sessions": the sessions one is invited to, check-in on one's own phone. */
  attendRetraining: { roles: ['volunteer', 'trainer'] },
} satisfies Record<string, Rule>;

export type Ability = keyof typeof TABLE;
export const ABILITIES = Object.keys(TABLE) as Ability[];

/** The role part of an ability alone (a rule on the person, like leading a team, not asked). */
export function roleMay(role: Role, ability: Ability): boolean {
  return (TABLE[ability] as Rule).roles.includes(role);
}

/** May this person (or actor) do this? A rule on the person needs their lineage; without it, no. */
export function can(who: Subject | null | undefined, ability: Ability): boolean {
  if (!who) return false;
  const rule: Rule = TABLE[ability];
  if (!rule.roles.includes(who.role)) return false;
  if (!rule.only) return true;
  return Array.isArray(who.lineage) && rule.only({ ...who, lineage: who.lineage });
}

/** Signed out: to the sign-in page (as requireUser); signed in without the ability: 403, logged. */
export function requireAbility(ability: Ability): RequestHandler[] {
  return [
    requireUser,
    (req: Request, _res: Response, next: NextFunction) => {
      if (can(req.user, ability)) {
        next();
        return;
      }
      req.log?.warn({ username: req.user!.username, role: req.user!.role, path: req.path, ability }, 'authorization denied');
      next(new Forbidden());
    },
  ];
}
