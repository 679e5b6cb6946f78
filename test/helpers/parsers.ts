/**
 * The parsers the security tests feed random and hostile input to (test/security/fuzz.test.ts).
 * No other feature calls them, so their features' indexes do not export them; the fixture layer
 * hands them to the tests outside those features' folders.
 */
export { checkRoster } from '../../src/cohorts/roster-check';
export { readRoster, RosterFileError } from '../../src/cohorts/roster-file';
export { MAX_COUNT, WORK_KINDS } from '../../src/fieldreports/field-report.model';
export { readReportForm } from '../../src/fieldreports/report-form';
