/**
 * Days and weeks as people in Vietnam count them (Asia/Ho_Chi_Minh: UTC+7, no daylight
 * saving), for daily quiz limits, weekly snapshots, report weeks and file names.
 */
export const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86400_000;

/** Midnight in Vietnam that starts the day containing `now`. */
export function startOfDayVietnam(now: Date): Date {
  const shifted = new Date(now.getTime() + VN_OFFSET_MS);
  shifted.setUTCHours(0, 0, 0, 0);
  return new Date(shifted.getTime() - VN_OFFSET_MS);
}

/** The day containing `now` in Vietnam, as YYYY-MM-DD. */
export function dayLabelVietnam(now: Date): string {
  return new Date(now.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** ISO week label (e.g. 2026-W48) of the Monday-started week containing `now` in Vietnam, and that Monday's midnight. */
export function weekOf(now: Date): { label: string; monday: Date } {
  const local = new Date(now.getTime() + VN_OFFSET_MS);
  const day = (local.getUTCDay() + 6) % 7; // Monday = 0
  const mondayLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day);
  const thursday = new Date(mondayLocal + 3 * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * DAY_MS));
  return { label: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`, monday: new Date(mondayLocal - VN_OFFSET_MS) };
}
