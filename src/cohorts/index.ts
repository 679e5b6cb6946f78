export { Cohort, CohortMember } from './cohort.model';
export { createCohort } from './cohorts.service';
export { cohortsRoutes, ROSTER_UPLOAD_PATH } from './cohorts.routes';
export { forgetExpiredPasswords, startPasswordsCleanup } from './passwords.service';
