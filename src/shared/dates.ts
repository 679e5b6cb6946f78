/**
 * One way of writing dates across the app and its files: dd/mm/yyyy, times as
 * dd/mm/yyyy HH:mm (24-hour), always in Vietnam time whatever the server's zone, and
 * report weeks as "Tuần 49 (01/12–07/12/2026)". Both languages write days the same way;
 * only the words around them differ (the week's word lives in the locale files).
 */
import { VN_OFFSET_MS } from './vn-time';

const DAY_MS = 86400_000;

function parts(d: Date): { dd: string; mm: string; yyyy: string; hh: string; mi: string } {
  const local = new Date(d.getTime() + VN_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return { dd: two(local.getUTCDate()), mm: two(local.getUTCMonth() + 1), yyyy: String(local.getUTCFullYear()), hh: two(local.getUTCHours()), mi: two(local.getUTCMinutes()) };
}

function valid(d: Date | null | undefined): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** 02/12/2026 (Vietnam time); '' for no date. */
export function dayText(d: Date | null | undefined): string {
  if (!valid(d)) return '';
  const p = parts(d);
  return `${p.dd}/${p.mm}/${p.yyyy}`;
}

/** 02/12/2026 02:46 (Vietnam time, 24-hour); '' for no date. */
export function dateTimeText(d: Date | null | undefined): string {
  if (!valid(d)) return '';
  const p = parts(d);
  return `${p.dd}/${p.mm}/${p.yyyy} ${p.hh}:${p.mi}`;
}

/**
 * A week's days as "01/12–07/12/2026" (the year once), or "29/12/2025–04/01/2026" when
 * the week crosses a year. `start` is the Monday 00:00 in Vietnam.
 */
export function weekRangeText(start: Date): string {
  const a = parts(start);
  const b = parts(new Date(start.getTime() + 6 * DAY_MS));
  return a.yyyy === b.yyyy ? `${a.dd}/${a.mm}–${b.dd}/${b.mm}/${b.yyyy}` : `${a.dd}/${a.mm}/${a.yyyy}–${b.dd}/${b.mm}/${b.yyyy}`;
}

/**
 * Monday 00:00 in Vietnam (as an instant) of the ISO week `label` (2026-W49): week 1 is the
 * week with 4 January in it. Null when the label is not of that form; whether week 53
 * exists in that year is the caller's check (fieldreports' parseWeek makes it).
 */
export function weekStartOf(label: string): Date | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(mondayOfWeek1 + (Number(m[2]) - 1) * 7 * DAY_MS - VN_OFFSET_MS);
}

/** The week's number out of an ISO label such as 2026-W49 (49), or null. */
export function weekNumber(label: string): number | null {
  const m = /^\d{4}-W(\d{2})$/.exec(label);
  return m ? Number(m[1]) : null;
}

/** Whole days from `now` until `due` counted on Vietnam calendar days (0 = due today, negative = overdue). */
export function daysUntil(due: Date, now: Date): number {
  const day = (d: Date) => Math.floor((d.getTime() + VN_OFFSET_MS) / DAY_MS);
  return day(due) - day(now);
}
