export { Cohort, CohortMember, RosterImport } from './cohort.model';
export { cascadeOf } from './cascade.service';
export { applyImport, createCohort, previewImport } from './cohorts.service';
export { readRoster, RosterFileError } from './roster-file';
export { cohortsRoutes, ROSTER_UPLOAD_PATH } from './cohorts.routes';
