export { addMember, backdateCohort, createCohort, listCohorts, memberIdsInScope } from './cohorts.service';
export { cohortsRoutes, ROSTER_UPLOAD_PATH } from './cohorts.routes';
export { dueDatesOf, type CourseDue } from './due-dates';
export { attentionLimits, cohortsNeedingAttention, forgetAttention, type CohortAttention } from './attention';
export { behindRuleParams } from './behind';
export { forgetExpiredPasswords, startPasswordsCleanup } from './passwords.service';
export { cohortsFeature } from './feature';
export { registerRetrainingOfTrainers, type RetrainingOfTrainers, type TrainerRetraining } from './retraining-slot';
