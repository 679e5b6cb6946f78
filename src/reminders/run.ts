/**
 * One pass of the reminders at `now`: each rule whose time has come (Vietnam time) runs once per
 * period — the due-date reminders once a day, the digests on Monday, the field-report reminders
 * on Friday and on Sunday — claimed first (./reminder.model ReminderRun), and every notice it
 * makes is handed to the outbox, where its key makes it insert-once. So a rerun, two processes
 * at once, or a restart after a crash (the claim taken up again after RUN_STALE_MS) put nothing
 * in the outbox twice.
 */
import { loadCatalog, type Catalog } from '../courses';
import { notifyMany } from '../notifications';
import { insertOnce } from '../db/insert-once';
import { VN_OFFSET_MS, dayLabelVietnam, weekOf } from '../shared/vn-time';
import type { Notice } from './notice';
import { planDigests } from './plan-digest';
import { planDueReminders } from './plan-due';
import { planFieldReminders } from './plan-field';
import { ReminderRun } from './reminder.model';
import { FIELD_REPORT_DAYS, RUN_STALE_MS, type FieldReportDay } from './rules';
import { currentRules } from './settings.service';

/** What happened to one rule in a pass: not its time, done by another run (or running there), or run here. */
export type RuleOutcome = { rule: string; period: string | null; state: 'notYet' | 'taken' | 'ran'; queued: number };

/** Claims the run of `rule` for `period`: true when this process is to do it. */
async function claim(rule: string, period: string, now: Date): Promise<boolean> {
  if (await insertOnce(ReminderRun, { rule, period, startedAt: now })) return true;
  const run = await ReminderRun.findOne({ rule, period }).lean();
  if (!run || run.doneAt || now.getTime() - run.startedAt.getTime() < RUN_STALE_MS) return false;
  // its process died half-way: take it up (two takers at once only repeat insert-once work)
  const taken = await ReminderRun.updateOne({ _id: run._id, startedAt: run.startedAt, doneAt: null }, { $set: { startedAt: now } });
  return taken.modifiedCount === 1;
}

type Plan = (send: (notices: Notice[]) => Promise<void>) => Promise<void>;

async function runOnce(rule: string, period: string, now: Date, plan: Plan): Promise<RuleOutcome> {
  if (!(await claim(rule, period, now))) return { rule, period, state: 'taken', queued: 0 };
  let queued = 0;
  await plan(async (notices) => {
    if (notices.length === 0) return;
    queued += (await notifyMany(notices, { now })).created;
  });
  await ReminderRun.updateOne({ rule, period }, { $set: { doneAt: now, queued } });
  return { rule, period, state: 'ran', queued };
}

/** The hour and weekday (Sunday = 0) of `now` in Vietnam. */
function localTime(now: Date): { hour: number; weekday: number } {
  const local = new Date(now.getTime() + VN_OFFSET_MS);
  return { hour: local.getUTCHours(), weekday: local.getUTCDay() };
}

/** Runs every rule whose time has come at `now`; returns what each did. */
export async function runReminders(opts: { now?: Date; catalog?: Catalog } = {}): Promise<RuleOutcome[]> {
  const now = opts.now ?? new Date();
  const catalog = opts.catalog ?? loadCatalog();
  const rules = await currentRules();
  const { hour, weekday } = localTime(now);
  const week = weekOf(now);
  const day = Object.entries(FIELD_REPORT_DAYS).find(([, n]) => n === weekday)?.[0] as FieldReportDay | undefined;
  const early = hour < rules.sendHour;
  const outcomes: RuleOutcome[] = [];
  const pass = async (rule: string, period: string | null, plan: Plan) => {
    outcomes.push(early || !period ? { rule, period, state: 'notYet', queued: 0 } : await runOnce(rule, period, now, plan));
  };
  await pass('due', dayLabelVietnam(now), (send) => planDueReminders(now, rules, catalog, send));
  await pass('digest', weekday === 1 ? week.label : null, (send) => planDigests(now, week.label, rules, catalog, send));
  await pass('field', day ? `${week.label}:${day}` : null, (send) => planFieldReminders(week.label, week.monday, day!, send));
  return outcomes;
}
