/**
 * The week's summary for a unit (commune, province or the centre): totals by kind of
 * work, each child unit's figures, the difficulties grouped by category with the units
 * they come from, the teams that did not report, and the last weeks' trend. Reads the
 * subtree's units once and the week's reports once; sums are made here, not in $group
 * (see docs/STORE-NOTES.md).
 */
import type { Types } from 'mongoose';
import { centralUnit, subtreeOf, unitsByIds, type UnitDoc } from '../org';
import { DIFFICULTY_CATEGORIES, FieldReport, totalOf, withTakeUps, WORK_KINDS, type Counts, type DifficultyCategory, type DifficultyDoc, type FieldReportDoc } from './field-report.model';
import { currentWeek, weeksEndingWith, type ReportWeek } from './weeks';
import { runJob } from '../shared/metrics';

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

/** The week's summary under `unit`, from its reports (read now, or `given`: the week's reports of a bigger unit). */
export async function weekSummary(unit: UnitDoc, week: ReportWeek, given?: FieldReportDoc[]): Promise<WeekSummary> {
  const id = String(unit._id);
  const [subtree, ancestors, reports] = await Promise.all([
    subtreeOf(unit) as Promise<UnitRow[]>,
    unitsByIds(unit.lineage).then((m) => [...m.values()] as UnitRow[]),
    given
      ? given.filter((r) => r.lineage.some((x) => String(x) === id))
      : FieldReport.find({ lineage: unit._id, week: week.label }).lean<FieldReportDoc[]>().then((r) => withTakeUps(r, unit._id)),
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
 * Big units (a province, the centre: more than LIVE_MAX_TEAMS teams) would each read
 * thousands of reports per page view. Instead each process reads every report of a week
 * once (one equality on the week) and keeps it KEEP_MS: every big unit's summary is cut from
 * that, and the page says when it was read. A take-up in this process reads it again at once
 * (staff see what they just did); files are always made live. A closed week's figures (for the trend) are
 * kept for good: its reports no longer change.
 */
export const summaryKeeping = { LIVE_MAX_TEAMS: 60, KEEP_MS: 60_000 };
type Kept<T> = { at: number; value: Promise<T> };
const weekReports = new Map<string, Kept<FieldReportDoc[]>>();
const keptSummaries = new Map<string, Kept<WeekSummary>>();

/**
 * `map`'s value for `key`, made by `make` when missing. Once older than KEEP_MS it is still
 * handed out while a fresh one is made in the background (one at a time), so that no page
 * waits for a national read after the first. A failure is not kept.
 */
function keep<T>(map: Map<string, Kept<T>>, key: string, now: number, make: () => Promise<T>, forGood = false): Kept<T> {
  const kept = map.get(key);
  if (kept && (forGood || now - kept.at < summaryKeeping.KEEP_MS)) return kept;
  if (!forGood) {
    // weeks nobody asked for lately are let go (a process would otherwise keep every week asked for)
    for (const [k, v] of map) if (k !== key && now - v.at > 5 * summaryKeeping.KEEP_MS) map.delete(k);
  }
  if (kept) {
    // stale: hand it out, and make the next one meanwhile (once per key; a forget in between wins)
    const token = `${mapId(map)}|${key}|${generation}`;
    if (!refreshing.has(token)) {
      refreshing.add(token);
      const started = generation;
      const next = { at: now, value: make() };
      next.value
        .then(
          () => {
            if (started === generation && map.get(key) === kept) map.set(key, next);
          },
          () => undefined,
        )
        .finally(() => refreshing.delete(token));
    }
    return kept;
  }
  if (map.size > 500) map.clear();
  const made = { at: now, value: make() };
  map.set(key, made);
  made.value.catch(() => {
    if (map.get(key) === made) map.delete(key);
  });
  return made;
}
const refreshing = new Set<string>();
const mapIds = new WeakMap<object, number>();
let nextMapId = 0;
const mapId = (map: object): number => {
  if (!mapIds.has(map)) mapIds.set(map, nextMapId++);
  return mapIds.get(map)!;
};
/** Counts forgets: a refresh begun before one is not kept. */
let generation = 0;

function everyReportOf(week: ReportWeek, now: number): Kept<FieldReportDoc[]> {
  return keep(weekReports, week.label, now, async () => {
    const centre = await centralUnit();
    return withTakeUps(await FieldReport.find({ week: week.label }).lean<FieldReportDoc[]>(), centre?._id);
  });
}

export async function pageSummary(unit: UnitDoc, week: ReportWeek, now = new Date()): Promise<{ summary: WeekSummary; asOf: Date | null }> {
  if ((await teamsUnder(unit)) <= summaryKeeping.LIVE_MAX_TEAMS) return { summary: await weekSummary(unit, week), asOf: null };
  const reports = everyReportOf(week, now.getTime());
  const kept = keep(keptSummaries, `${unit._id}|${week.label}|${reports.at}`, now.getTime(), async () => weekSummary(unit, week, await reports.value));
  return { summary: await kept.value, asOf: new Date(reports.at) };
}

/** A difficulty was taken up in this process: big units' summaries are read again. */
export function forgetSummaries(): void {
  generation += 1;
  weekReports.clear();
  keptSummaries.clear();
}

export interface TrendPoint {
  week: string;
  teams: number;
  reported: number;
  helped: number;
}

type WeekFigures = { reported: number; helped: number };
const closedWeekFigures = new Map<string, Kept<Map<string, WeekFigures>>>();
const openWeekFigures = new Map<string, Kept<Map<string, WeekFigures>>>();

/** Reports filed and people helped in `week` under every unit, from one read of the week's reports. */
async function everyUnitsFigures(week: ReportWeek): Promise<Map<string, WeekFigures>> {
  const out = new Map<string, WeekFigures>();
  for (const r of await FieldReport.find({ week: week.label }).select('lineage counts').lean<Pick<FieldReportDoc, 'lineage' | 'counts'>[]>()) {
    const helped = totalOf(r.counts ?? {});
    for (const id of r.lineage) {
      const f = out.get(String(id));
      if (f) {
        f.reported += 1;
        f.helped += helped;
      } else out.set(String(id), { reported: 1, helped });
    }
  }
  return out;
}

async function weekFigures(unit: UnitDoc, week: ReportWeek, now: Date): Promise<WeekFigures> {
  const closed = week.closesAt <= now;
  if (!closed && (await teamsUnder(unit)) <= summaryKeeping.LIVE_MAX_TEAMS) {
    const reports = await FieldReport.find({ lineage: unit._id, week: week.label }).select('counts').lean<Pick<FieldReportDoc, 'counts'>[]>();
    return { reported: reports.length, helped: reports.reduce((n, r) => n + totalOf(r.counts ?? {}), 0) };
  }
  const all = keep(closed ? closedWeekFigures : openWeekFigures, week.label, now.getTime(), () => everyUnitsFigures(week), closed);
  return (await all.value).get(String(unit._id)) ?? { reported: 0, helped: 0 };
}

/** Reads the last weeks' figures ahead, in the background, so that the first trend shown after a start does not wait. */
export function warmFieldSummaries(log: { warn: (o: object, m: string) => void }, now = new Date()): void {
  void runJob('fieldreports.warm', async () => {
    const central = await centralUnit();
    if (!central) return;
    for (const w of weeksEndingWith(currentWeek(now), 9)) await weekFigures(central, w, now);
  }).catch((err: unknown) => log.warn({ err }, 'reading the weekly field figures ahead failed; pages read them when asked'));
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
