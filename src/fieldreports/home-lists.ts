/**
 * What home pages show of the weekly reports: a team leader's latest take-ups by staff, and
 * for staff the difficulties under their unit that ask for help and nobody took up yet.
 */
import type { UnitDoc } from '../org';
import { DifficultyTakeUp, FieldReport, takeUpFields, type DifficultyDoc, type FieldReportDoc } from './field-report.model';
import { pageSummary, type DifficultyRow } from './summary';
import { currentWeek, parseWeek, type ReportWeek } from './weeks';

export interface TakeUpShown {
  week: ReportWeek;
  difficulty: DifficultyDoc;
}

/** The team's difficulties taken up by staff, newest take-up first (one equality on `lineage`, then each report by `_id`). */
export async function recentTakeUps(team: UnitDoc, limit = 5): Promise<TakeUpShown[]> {
  const takeUps = (await DifficultyTakeUp.find({ lineage: team._id }).limit(500).lean()).sort((a, b) => b.at.getTime() - a.at.getTime());
  const out: TakeUpShown[] = [];
  const reports = new Map<string, Promise<FieldReportDoc | null>>();
  for (const t of takeUps) {
    if (out.length >= limit) break;
    const key = String(t.report);
    if (!reports.has(key)) reports.set(key, FieldReport.findOne({ _id: t.report, team: team._id }).lean<FieldReportDoc>().exec());
    const report = await reports.get(key)!;
    const difficulty = report?.difficulties.find((d) => String(d._id) === String(t.difficulty));
    const week = report ? parseWeek(report.week) : null;
    if (!difficulty || !week) continue; // the leader removed that difficulty since
    out.push({ week, difficulty: { ...difficulty, ...takeUpFields(t) } });
  }
  return out;
}

export interface HelpWaiting {
  week: ReportWeek;
  count: number;
  rows: DifficultyRow[];
  asOf: Date | null;
}

/** This week's difficulties under `unit` that ask for help and are not taken up (the first `shown`). */
export async function helpWaiting(unit: UnitDoc, now = new Date(), shown = 5): Promise<HelpWaiting> {
  const week = currentWeek(now);
  const { summary, asOf } = await pageSummary(unit, week, now);
  const rows = summary.byCategory.flatMap((g) => g.rows).filter((r) => r.difficulty.helpNeeded && !r.difficulty.takenUpAt);
  return { week, count: rows.length, rows: rows.slice(0, shown), asOf };
}
