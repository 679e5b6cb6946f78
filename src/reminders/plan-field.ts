/**
 * The team leaders' field-report reminders of one Friday or Sunday (Vietnam time): every team
 * (from the organisation tree each process keeps) whose report for the week is not filed; its
 * leaders (trainers whose own unit is the team) are told, with a link to the week's form.
 * Once per day (the run's claim), a query per team by its unique key `team+week`.
 */
import { activePeopleOfUnit } from '../accounts';
import { findReport } from '../fieldreports';
import { centralUnit, subtreeOf } from '../org';
import { isTeamLeader } from '../shared/actor';
import { dayText } from '../shared/dates';
import { localeOf, type Notice } from './notice';
import type { FieldReportDay } from './rules';

/** Every team's notices for the week `week` (its Monday `monday`) on `day`, handed to `send` a team at a time. */
export async function planFieldReminders(week: string, monday: Date, day: FieldReportDay, send: (notices: Notice[]) => Promise<void>): Promise<void> {
  const central = await centralUnit();
  if (!central) return;
  const teams = (await subtreeOf(central)).filter((u) => u.level === 'team');
  const sunday = new Date(monday.getTime() + 6 * 86400_000);
  for (const team of teams) {
    if (await findReport(team._id, week)) continue;
    const leaders = (await activePeopleOfUnit(team._id)).filter((p) => isTeamLeader(p));
    await send(
      leaders.map((leader) => ({
        key: `field:${team._id}:${week}:${day}:${leader._id}`,
        userId: leader._id,
        kind: 'fieldReportMissing',
        titleKey: day === 'fri' ? 'reminders.field.titleFriday' : 'reminders.field.titleSunday',
        bodyKey: 'reminders.field.body',
        params: { week, team: localeOf(leader) === 'en' ? team.nameEn : team.nameVi, from: dayText(monday), to: dayText(sunday) },
        link: `/field-reports/week/${week}`,
      })),
    );
  }
}
