export { searchTextOf, type UserDoc } from './user.model';
export {
  activePeopleInCascade,
  activePeopleOfUnit,
  activePeopleRetrainedBy,
  activePeopleUnder,
  idsRetrainedBy,
  namesOf,
  personById,
  personInScopeByUsername,
  placesOf,
  type Person,
} from './people-reads';
export { bulkLoadPeople, cascadePathUnder, type LoadedPerson } from './bulk-load';
export { markCourseCompleted, markCourseStarted, repairCourseMarks, unmarkCourseCompleted } from './course-marks';
export { createImportedAccounts, applyRosterChanges, type ImportedAccount, type RosterChange } from './imported-accounts';
export { personMatches } from './person-search';
export { setTrainerIfNone } from './retrained-by';
export {
  authenticate,
  changePassword,
  countUsers,
  createAccount,
  findActiveUser,
  findPeople,
  moveUser,
  onPeopleMoved,
  peopleMoved,
  peopleFollowTheirUnit,
  personInScope,
  promoteToTrainer,
  mayReissue,
  reissueLearnerPassword,
  PEOPLE_PAGE_SIZE,
  resetPassword,
  rolesCreatableBy,
  setDisabled,
  setLocale,
  toActor,
  USERNAME_RE,
  validUsername,
  usersByUsernames,
  type NewAccount,
} from './accounts.service';
export { generateOneTimePassword, hashOneTimePassword, hashPassword, passwordProblem, PASSWORD_MIN, PASSWORD_MAX } from './password';
export { authRoutes } from './auth.routes';
export { accountRoutes } from './account.routes';
export { peopleRoutes } from './people.routes';
export { accountsFeature } from './feature';
