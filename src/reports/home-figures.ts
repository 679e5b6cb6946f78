/**
 * What a staff member's home page shows of their unit: its compliance now, the change since
 * the newest weekly snapshot, and the child units furthest behind — the briefing's own
 * figures (./briefing), read from the roll-ups with a few equality queries, never from the people.
 */
import type { UnitDoc } from '../org';
import { lowestOf, weeklyChange } from './briefing';
import { rollupTable } from './exports';
import { percent, type Figures } from './rollup.model';
import { trendOf } from './snapshot';

export const FURTHEST_BEHIND = 5;

export interface HomeFigures {
  unit: UnitDoc;
  figures: Figures;
  percent: number;
  builtAt: Date | null;
  /** The newest weekly snapshot (taken on its week's Monday 00:00) and the change since, in percentage points. */
  since: { week: { label: string; start: Date }; percent: number; change: number } | null;
  /** Child units with people, lowest compliance first (at most FURTHEST_BEHIND). */
  furthestBehind: { unit: UnitDoc; figures: Figures; percent: number }[];
}

export async function homeFigures(unit: UnitDoc): Promise<HomeFigures> {
  const [table, trend] = await Promise.all([rollupTable(unit), trendOf(`unit:${unit._id}`, 1)]);
  const change = weeklyChange(trend, table.total.figures);
  return {
    unit,
    figures: table.total.figures,
    percent: percent(table.total.figures),
    builtAt: table.builtAt,
    since: change ? { week: { label: change.week, start: change.takenOn }, percent: change.before, change: change.points } : null,
    furthestBehind: lowestOf(table.children, FURTHEST_BEHIND).map((c) => ({ ...c, percent: percent(c.figures) })),
  };
}
