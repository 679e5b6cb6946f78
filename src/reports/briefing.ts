/**
 * What the weekly briefing says about a unit: its figures against 100%, the change since
 * the last weekly snapshot, each child unit, and the children furthest behind. Read from
 * the roll-ups and the unit's weekly snapshots (a few equality queries).
 */
import type { UnitDoc } from '../org';
import { weekStartOf } from '../shared/dates';
import { rollupTable, type RollupRow } from './exports';
import { percent, type Figures } from './rollup.model';
import { trendOf } from './snapshot';

/** How many children the "furthest behind" list names. */
export const LOWEST_LISTED = 5;

export interface WeeklyChange {
  /** The snapshot compared with: its ISO week label and the Monday it was taken. */
  week: string;
  takenOn: Date;
  before: number;
  now: number;
  /** Percentage points, rounded to one decimal. */
  points: number;
}

export interface Briefing {
  unit: UnitDoc;
  total: Figures;
  builtAt: Date | null;
  children: RollupRow[];
  lowest: RollupRow[];
  change: WeeklyChange | null;
}

/** The change against the newest weekly snapshot (taken each Monday 00:00), or null when there is none. */
export function weeklyChange(trend: ({ week: string } & Figures)[], current: Figures): WeeklyChange | null {
  const last = trend.at(-1);
  if (!last) return null;
  // the change from the exact shares, so that it is not off by the rounding of each
  const share = (f: Figures) => (f.people ? f.compliant / f.people : 0);
  return { week: last.week, takenOn: weekStartOf(last.week)!, before: percent(last), now: percent(current), points: Math.round((share(current) - share(last)) * 1000) / 10 };
}

/** The children with people, lowest compliance first (more people first among equals), the first `n`. */
export function lowestOf(children: RollupRow[], n = LOWEST_LISTED): RollupRow[] {
  return children
    .filter((c) => c.figures.people > 0)
    .sort((a, b) => percent(a.figures) - percent(b.figures) || b.figures.people - a.figures.people || a.unit.code.localeCompare(b.unit.code))
    .slice(0, n);
}

export async function briefingOf(unit: UnitDoc): Promise<Briefing> {
  const [table, trend] = await Promise.all([rollupTable(unit), trendOf(`unit:${unit._id}`)]);
  const children = [...table.children].sort((a, b) => a.unit.code.localeCompare(b.unit.code));
  return { unit, total: table.total.figures, builtAt: table.builtAt, children, lowest: lowestOf(children), change: weeklyChange(trend, table.total.figures) };
}
