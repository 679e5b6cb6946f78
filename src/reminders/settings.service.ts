/**
 * The rules in force: the administrator's, kept in the store, else the defaults of ./rules.
 * Changing them is an administrator's act, checked by the rules' schema and audited.
 */
import { recordAudit } from '../audit';
import type { Actor } from '../shared/actor';
import { Forbidden, Invalid } from '../shared/errors';
import { can } from '../shared/permissions';
import { DEFAULT_RULES, rulesSchema, type ReminderRules } from './rules';
import { ReminderSettings } from './reminder.model';

const ID = 'rules';

/** The rules in force now (a stored value the schema refuses, e.g. written by hand, falls back to the defaults). */
export async function currentRules(): Promise<ReminderRules> {
  const stored = await ReminderSettings.findById(ID).lean();
  if (!stored) return { ...DEFAULT_RULES };
  const parsed = rulesSchema.safeParse(stored);
  return parsed.success ? parsed.data : { ...DEFAULT_RULES };
}

/** The form's fields checked: the rules, or Invalid naming each bad field's message. */
export function checkRules(input: unknown): ReminderRules {
  const parsed = rulesSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? '_')] ??= issue.message;
  throw new Invalid(fields);
}

/** Saves the rules an administrator typed; audited with the values before and after. */
export async function saveRules(actor: Actor, input: unknown, now = new Date()): Promise<ReminderRules> {
  if (!can(actor, 'manageReminders')) throw new Forbidden();
  const rules = checkRules(input);
  const before = await currentRules();
  await ReminderSettings.updateOne({ _id: ID }, { $set: { ...rules, updatedBy: actor.username, updatedAt: now } }, { upsert: true });
  const said = (r: ReminderRules) => `${r.firstReminderDays}/${r.lastReminderDays}/${r.escalationDays}/${r.sendHour}h`;
  await recordAudit({ action: 'reminders.settings_changed', actor, ip: actor.ip, details: `first/last/escalation/hour ${said(before)} → ${said(rules)}` });
  return rules;
}
