export { DIFFICULTY_CATEGORIES, DifficultyTakeUp, FieldReport, totalOf, WORK_KINDS, type Counts, type FieldReportDoc } from './field-report.model';
export { fileReport, findReport, openWeeks, weeklyReminder, takeUpDifficulty, teamOf, type ReportInput } from './field-reports.service';
export { fieldReportsRoutes } from './field-reports.routes';
export { weekSummary, weeklyTrend, type WeekSummary } from './summary';
export { currentWeek, isOpen, parseWeek, shiftWeek, weeksEndingWith, type ReportWeek } from './weeks';
