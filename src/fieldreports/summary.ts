/**
 * The week's summary for a unit (commune, province or the centre): totals by kind of
 * work, each child unit's figures, the difficulties grouped by category with the units
 * they come from, the teams that did not report, and the last weeks' trend. Reads the
 * subtree's units once and the week's reports once; sums are made here, not in $group
 * (see docs/STORE-NOTES.md).
 */
import type { Types } from 'mongoose';
import { subtreeOf, unitsByIds, type UnitDoc } from '../org';
import { DIFFICULTY_CATEGORIES, FieldReport, totalOf, withTakeUps, WORK_KINDS, type Counts, type DifficultyCategory, type DifficultyDoc, type FieldReportDoc } from './field-report.model';
import { weeksEndingWith, type ReportWeek } from './weeks';

export interface Figures {
  teams: number;
  reported: number;
  counts: Counts;
  helped: number;
  difficulties: number;
  helpNeeded: number;
}

export interface DifficultyRow {
  reportId: Types.ObjectId;
  difficulty: DifficultyDoc;
  team: UnitDoc;
  commune: UnitDoc | undefined;
  province: UnitDoc | undefined;
}

export interface WeekSummary {
  unit: UnitDoc;
  week: ReportWeek;
  total: Figures;
  children: { unit: UnitDoc; figures: Figures }[];
  byCategory: { category: DifficultyCategory; rows: DifficultyRow[] }[];
  missing: { team: UnitDoc; commune: UnitDoc | undefined; province: UnitDoc | undefined }[];
}

const zeroCounts = (): Counts => Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as Counts;
const emptyFigures = (): Figures => ({ teams: 0, reported: 0, counts: zeroCounts(), helped: 0, difficulties: 0, helpNeeded: 0 });

function add(f: Figures, report: FieldReportDoc): void {
  f.reported += 1;
  for (const k of WORK_KINDS) f.counts[k] += report.counts?.[k] ?? 0;
  f.helped += totalOf(report.counts ?? {});
  f.difficulties += report.difficulties.length;
  f.helpNeeded += report.difficulties.filter((d) => d.helpNeeded).length;
}

type UnitRow = Pick<UnitDoc, '_id' | 'code' | 'nameVi' | 'nameEn' | 'level' | 'lineage' | 'parent' | 'remote'>;

export async function weekSummary(unit: UnitDoc, week: ReportWeek): Promise<WeekSummary> {
  const [subtree, ancestors, reports] = await Promise.all([
    subtreeOf(unit) as Promise<UnitRow[]>,
    unitsByIds(unit.lineage).then((m) => [...m.values()] as UnitRow[]),
    FieldReport.find({ lineage: unit._id, week: week.label }).lean<FieldReportDoc[]>().then((r) => withTakeUps(r, unit._id)),
  ]);
  const byId = new Map<string, UnitDoc>([...ancestors, ...subtree].map((u) => [String(u._id), u as UnitDoc]));
  const depth = unit.lineage.length;
  const childOf = (lineage: Types.ObjectId[]) => (lineage.length > depth ? String(lineage[depth]) : null);
  const levelIn = (lineage: Types.ObjectId[], level: string) => lineage.map((id) => byId.get(String(id))).find((u) => u?.level === level);

  const total = emptyFigures();
  const children = new Map<string, { unit: UnitDoc; figures: Figures }>();
  for (const u of subtree) if (String(u.parent) === String(unit._id)) children.set(String(u._id), { unit: u as UnitDoc, figures: emptyFigures() });
  const teams = subtree.filter((u) => u.level === 'team');
  for (const team of teams) {
    total.teams += 1;
    const child = children.get(childOf(team.lineage) ?? '');
    if (child) child.figures.teams += 1;
  }
  const reportedTeams = new Set<string>();
  const byCategory = new Map<DifficultyCategory, DifficultyRow[]>(DIFFICULTY_CATEGORIES.map((c) => [c, []]));
  for (const report of reports) {
    const team = byId.get(String(report.team));
    if (!team) continue;
    reportedTeams.add(String(report.team));
    add(total, report);
    const child = children.get(childOf(report.lineage) ?? '');
    if (child) add(child.figures, report);
    for (const d of report.difficulties) {
      byCategory.get(d.category as DifficultyCategory)?.push({ reportId: report._id, difficulty: d, team, commune: levelIn(team.lineage, 'commune'), province: levelIn(team.lineage, 'province') });
    }
  }
  // Help needed and not yet taken up first, then by place.
  const order = (r: DifficultyRow) => `${r.difficulty.helpNeeded && !r.difficulty.takenUpAt ? 0 : 1}|${r.team.code}`;
  return {
    unit,
    week,
    total,
    children: [...children.values()].sort((a, b) => a.unit.code.localeCompare(b.unit.code)),
    byCategory: DIFFICULTY_CATEGORIES.map((category) => ({ category, rows: byCategory.get(category)!.sort((a, b) => order(a).localeCompare(order(b))) })).filter((g) => g.rows.length > 0),
    missing: teams
      .filter((t) => !reportedTeams.has(String(t._id)))
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((t) => ({ team: t as UnitDoc, commune: levelIn(t.lineage, 'commune'), province: levelIn(t.lineage, 'province') })),
  };
}

/**
 * The summary as a page shows it. A big unit's (a province, the centre: more than
 * LIVE_MAX_TEAMS teams) reads thousands of reports; it is made at most once a minute per
 * process and shared by everyone who opens it, and the page says when it was made. A
 * filing or a take-up in this process makes it again at once; files are always made live.
 */
export const summaryKeeping = { LIVE_MAX_TEAMS: 60, KEEP_MS: 60_000 };
const keptSummaries = new Map<string, { at: Date; summary: Promise<WeekSummary> }>();

export async function pageSummary(unit: UnitDoc, week: ReportWeek, now = new Date()): Promise<{ summary: WeekSummary; asOf: Date | null }> {
  if ((await teamsUnder(unit)) <= summaryKeeping.LIVE_MAX_TEAMS) return { summary: await weekSummary(unit, week), asOf: null };
  const key = `${unit._id}|${week.label}`;
  let kept = keptSummaries.get(key);
  if (!kept || now.getTime() - kept.at.getTime() >= summaryKeeping.KEEP_MS) {
    if (keptSummaries.size > 2_000) keptSummaries.clear();
    const made = { at: now, summary: weekSummary(unit, week) };
    keptSummaries.set(key, made);
    made.summary.catch(() => {
      if (keptSummaries.get(key) === made) keptSummaries.delete(key); // a failure is not kept
    });
    kept = made;
  }
  return { summary: await kept.summary, asOf: kept.at };
}

/** A report under these units changed: their kept summaries and open weeks' figures are made again. */
export function forgetSummaries(lineage: readonly Types.ObjectId[]): void {
  const ids = new Set(lineage.map(String));
  for (const key of keptSummaries.keys()) if (ids.has(key.split('|')[0]!)) keptSummaries.delete(key);
  for (const key of openWeeks.keys()) if (ids.has(key.split('|')[0]!)) openWeeks.delete(key);
}

export interface TrendPoint {
  week: string;
  teams: number;
  reported: number;
  helped: number;
}

/**
 * A closed week's figures never change (its reports are read-only), so each process keeps
 * them once computed: the trend then reads only the weeks still open. Units moved by an org
 * import take their reports along; a process started afterwards sees that at once, a running
 * one when it restarts (the trend is a briefing aid, the week's summary reads its reports).
 */
const closedWeeks = new Map<string, Promise<{ reported: number; helped: number }>>();
const CLOSED_WEEKS_KEPT = 20_000;
/** An open week's figures of a big unit, kept as its summary is (pageSummary). */
const openWeeks = new Map<string, { at: number; figures: Promise<{ reported: number; helped: number }> }>();

async function weekFigures(unit: UnitDoc, week: ReportWeek, now: Date): Promise<{ reported: number; helped: number }> {
  const compute = async () => {
    const reports = await FieldReport.find({ lineage: unit._id, week: week.label }).select('counts').lean<Pick<FieldReportDoc, 'counts'>[]>();
    return { reported: reports.length, helped: reports.reduce((n, r) => n + totalOf(r.counts ?? {}), 0) };
  };
  if (week.closesAt > now) {
    // still open, or to come: read it (a big unit's at most once a minute)
    if ((await teamsUnder(unit)) <= summaryKeeping.LIVE_MAX_TEAMS) return compute();
    const key = `${unit._id}|${week.label}`;
    const kept = openWeeks.get(key);
    if (kept && now.getTime() - kept.at < summaryKeeping.KEEP_MS) return kept.figures;
    if (openWeeks.size > 2_000) openWeeks.clear();
    const made = { at: now.getTime(), figures: compute() };
    openWeeks.set(key, made);
    made.figures.catch(() => {
      if (openWeeks.get(key) === made) openWeeks.delete(key);
    });
    return made.figures;
  }
  const key = `${unit._id}|${week.label}`;
  let cached = closedWeeks.get(key);
  if (!cached) {
    if (closedWeeks.size >= CLOSED_WEEKS_KEPT) closedWeeks.clear();
    cached = compute();
    closedWeeks.set(key, cached);
    cached.catch(() => closedWeeks.delete(key)); // a failure is not kept
  }
  return cached;
}

/** How many teams a unit has (from the process's copy of the tree). */
async function teamsUnder(unit: UnitDoc): Promise<number> {
  return (await subtreeOf(unit)).filter((u) => u.level === 'team').length;
}

/** Reports filed and people helped in each of the `count` weeks ending with `last`. */
export async function weeklyTrend(unit: UnitDoc, last: ReportWeek, count = 8, now = new Date()): Promise<TrendPoint[]> {
  const weeks = weeksEndingWith(last, count);
  const [teams, figures] = await Promise.all([
    teamsUnder(unit),
    Promise.all(weeks.map((w) => weekFigures(unit, w, now))),
  ]);
  return weeks.map((w, i) => ({ week: w.label, teams, reported: figures[i]!.reported, helped: figures[i]!.helped }));
}
