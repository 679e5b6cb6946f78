/**
 * Report weeks: ISO weeks in Vietnam time (Asia/Ho_Chi_Minh, UTC+7, no DST), labelled
 * like 2026-W48. A week's report can be filed from its Monday 00:00 until the next
 * Monday at 12:00, so a team can still report on Monday morning; then the week is closed.
 */
import { weekStartOf } from '../shared/dates';
import { weekOf } from '../shared/vn-time';

const DAY_MS = 86400_000;
/** Hours after the week's end during which its report can still be filed or edited. */
export const CLOSE_GRACE_HOURS = 12;

export interface ReportWeek {
  label: string;
  /** Monday 00:00 in Vietnam, as an instant. */
  start: Date;
  /** Sunday 00:00 in Vietnam (for showing the last day). */
  lastDay: Date;
  /** When filing and editing stop. */
  closesAt: Date;
}

function describe(label: string, start: Date): ReportWeek {
  return {
    label,
    start,
    lastDay: new Date(start.getTime() + 6 * DAY_MS),
    closesAt: new Date(start.getTime() + 7 * DAY_MS + CLOSE_GRACE_HOURS * 3600_000),
  };
}

/** The week that contains `now`. */
export function currentWeek(now: Date): ReportWeek {
  const { label, monday } = weekOf(now);
  return describe(label, monday);
}

/** A label such as 2026-W48, or null when it names no real ISO week. */
export function parseWeek(label: unknown): ReportWeek | null {
  if (typeof label !== 'string') return null;
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2020 || year > 2100 || week < 1 || week > 53) return null;
  const start = weekStartOf(label)!;
  // Week 53 exists only in some years: the label must come back out of its own Monday.
  if (weekOf(start).label !== label) return null;
  return describe(label, start);
}

/** The week `n` weeks after (negative: before) `week`. */
export function shiftWeek(week: ReportWeek, n: number): ReportWeek {
  return currentWeek(new Date(week.start.getTime() + n * 7 * DAY_MS + DAY_MS));
}

/** Still open for filing and editing: started, and not yet closed. */
export function isOpen(week: ReportWeek, now: Date): boolean {
  return now >= week.start && now < week.closesAt;
}

/** The `count` weeks ending with `last`, oldest first. */
export function weeksEndingWith(last: ReportWeek, count: number): ReportWeek[] {
  return Array.from({ length: count }, (_, i) => shiftWeek(last, i - count + 1));
}
