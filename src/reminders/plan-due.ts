/**
 * The learners' due-date reminders of one Vietnam day: the open cohorts due `first` and `last`
 * days ahead, and those whose due date has just passed, read by `dueDay` (one equality per day);
 * each member who has not completed the cohort's courses gets one notice per stage, saying the
 * next step (the next lesson or the quiz to pass) with a link to it.
 */
import { toActor, type Person } from '../accounts';
import { membersProgressOf, openCohortsDueOn, type DueCohort } from '../cohorts';
import { coursesWithNext, stepPath, type Catalog } from '../courses';
import { dayText, daysUntil } from '../shared/dates';
import { dayLabelVietnam, startOfDayVietnam } from '../shared/vn-time';
import { localeOf, type Notice } from './notice';
import type { ReminderRules } from './rules';

const DAY_MS = 86400_000;
/** Days back a passed due date is still announced (a day the job did not run at all). */
export const PASSED_LOOKBACK_DAYS = 2;

type Stage = { name: string; cohort: DueCohort };

function dayPlus(now: Date, days: number): string {
  return dayLabelVietnam(new Date(startOfDayVietnam(now).getTime() + days * DAY_MS + 12 * 3600_000));
}

/** The cohorts of each stage for the day of `now`. */
async function stagesOf(now: Date, rules: ReminderRules): Promise<Stage[]> {
  const stages: Stage[] = [];
  for (const days of [rules.firstReminderDays, rules.lastReminderDays]) {
    for (const cohort of await openCohortsDueOn(dayPlus(now, days))) stages.push({ name: String(days), cohort });
  }
  for (let back = 0; back <= PASSED_LOOKBACK_DAYS; back++) {
    for (const cohort of await openCohortsDueOn(dayPlus(now, -back))) if (cohort.dueDate < now) stages.push({ name: 'passed', cohort });
  }
  return stages;
}

/** The person's next step in the first of the cohort's courses they have not completed, in their language. */
async function nextStepOf(person: Person, cohort: DueCohort, catalog: Catalog): Promise<{ bodyKey: string; link: string; step: string; course: string }> {
  const locale = localeOf(person);
  const courses = (await coursesWithNext(toActor(person), catalog)).filter((c) => cohort.courses.includes(c.course.slug) && !c.completion);
  const first = courses.find((c) => c.next) ?? courses[0];
  if (!first) return { bodyKey: 'reminders.due.bodyCourses', link: '/courses', step: '', course: '' };
  const course = first.course.title[locale];
  if (!first.next) return { bodyKey: 'reminders.due.bodyCourse', link: `/courses/${first.course.slug}`, step: '', course };
  const step = first.next.kind === 'lesson' ? first.next.lesson.title[locale] : first.next.module.title[locale];
  const bodyKey = first.next.kind === 'lesson' ? 'reminders.due.bodyLesson' : 'reminders.due.bodyQuiz';
  return { bodyKey, link: stepPath(first.course.slug, first.next), step, course };
}

/** The notices of one stage of one cohort: its members not complete, whose accounts are in use. */
async function stageNotices(stage: Stage, catalog: Catalog, now: Date): Promise<Notice[]> {
  const { cohort } = stage;
  const members = await membersProgressOf(catalog, cohort._id, now);
  const notices: Notice[] = [];
  for (const m of members) {
    if (m.pace === 'complete' || m.user.disabled) continue;
    const next = await nextStepOf(m.user, cohort, catalog);
    const passed = stage.name === 'passed';
    notices.push({
      key: `due:${stage.name}:${cohort._id}:${m.user._id}`,
      userId: m.user._id,
      kind: passed ? 'duePassed' : 'dueSoon',
      titleKey: passed ? 'reminders.due.titlePassed' : 'reminders.due.titleSoon',
      bodyKey: next.bodyKey,
      params: { cohort: cohort.name, due: dayText(cohort.dueDate), n: Math.abs(daysUntil(cohort.dueDate, now)), step: next.step, course: next.course },
      link: next.link,
    });
  }
  return notices;
}

/** Every due-date notice of the day of `now`, handed to `send` a cohort at a time. */
export async function planDueReminders(now: Date, rules: ReminderRules, catalog: Catalog, send: (notices: Notice[]) => Promise<void>): Promise<void> {
  for (const stage of await stagesOf(now, rules)) await send(await stageNotices(stage, catalog, now));
}
