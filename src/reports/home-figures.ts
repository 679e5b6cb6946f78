/**
 * What a staff member's home page shows of their unit: its compliance now, the change since
 * the newest weekly snapshot, and the child units furthest behind. Read from the roll-ups
 * (a few equality queries), never from the people.
 */
import type { UnitDoc } from '../org';
import { VN_OFFSET_MS } from '../shared/vn-time';
import { rollupTable } from './exports';
import { percent, type Figures } from './rollup.model';
import { trendOf } from './snapshot';

const DAY_MS = 86400_000;
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

/** The Monday 00:00 (Vietnam) that starts ISO week `label` (e.g. 2026-W49). */
function weekStart(label: string): Date | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(monday1 + (Number(m[2]) - 1) * 7 * DAY_MS - VN_OFFSET_MS);
}

export async function homeFigures(unit: UnitDoc): Promise<HomeFigures> {
  const [table, trend] = await Promise.all([rollupTable(unit), trendOf(`unit:${unit._id}`, 1)]);
  const now = percent(table.total.figures);
  const last = trend[trend.length - 1];
  const start = last ? weekStart(last.week) : null;
  // the change from the exact shares, so that it is not off by a rounding of each
  const share = (f: Figures) => (f.people ? f.compliant / f.people : 0);
  const change = (then: Figures) => Math.round((share(table.total.figures) - share(then)) * 1000) / 10;
  return {
    unit,
    figures: table.total.figures,
    percent: now,
    builtAt: table.builtAt,
    since: last && start ? { week: { label: last.week, start }, percent: percent(last), change: change(last) } : null,
    furthestBehind: table.children
      .filter((c) => c.figures.people > 0)
      .map((c) => ({ ...c, percent: percent(c.figures) }))
      .sort((a, b) => a.percent - b.percent || b.figures.people - a.figures.people)
      .slice(0, FURTHEST_BEHIND),
  };
}
