export { DIFFICULTY_CATEGORIES, totalOf } from './field-report.model';
export { fileReport, findReport, reportsFollowTheirTeam, takeUpDifficulty, weeklyReminder, type ReportInput } from './field-reports.service';
export { fieldReportsRoutes } from './field-reports.routes';
export { warmFieldSummaries, weekSummary } from './summary';
export { currentWeek, isOpen, parseWeek, shiftWeek, weeksEndingWith } from './weeks';
export { helpWaiting, recentTakeUps, type HelpWaiting, type TakeUpShown } from './home-lists';
export { fieldReportsFeature } from './feature';
