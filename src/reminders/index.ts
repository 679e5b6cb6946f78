export { runReminders, type RuleOutcome } from './run';
export { currentRules, saveRules } from './settings.service';
export { DEFAULT_RULES, type ReminderRules } from './rules';
export { startRemindersJob, REMINDERS_EVERY_MS } from './job';
export { remindersRoutes } from './reminders.routes';
export { remindersFeature } from './feature';
