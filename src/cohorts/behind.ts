/**
 * Who is behind in a cohort: a person's progress compared with the time gone by between
 * joining the cohort and its due date. The rule is stated on the cohort page and on the
 * trainer's home page (locale key `cohorts.behindRule`), so keep them in step:
 * - complete: every course of the cohort completed;
 * - overdue: past the due date and not complete;
 * - behind: done less than the share of the time gone by, less a margin of BEHIND_MARGIN
 *   (half-way to the due date with under a quarter done); with no due date, nothing read
 *   NO_DUE_DATE_DAYS days after joining;
 * - on track: everyone else (someone imported minutes ago is on track, not behind).
 */
const DAY_MS = 86400_000;
export const BEHIND_MARGIN = 0.25;
export const NO_DUE_DATE_DAYS = 14;

/** The rule's numbers as its statement on the pages takes them (`cohorts.behindRule`), so the words cannot drift from the code. */
export const behindRuleParams = { margin: BEHIND_MARGIN * 100, days: NO_DUE_DATE_DAYS };

export type PaceStatus = 'complete' | 'overdue' | 'behind' | 'onTrack';

export interface PaceInput {
  /** Share of the cohort's work done, 0..1 (each course counts equally: completed = 1, else lessons read / lessons). */
  done: number;
  complete: boolean;
  /** When the person joined the cohort (or the cohort's creation when unknown). */
  since: Date;
  dueDate: Date | null;
  now: Date;
}

/** The share of the cohort's work a person has done: completed courses count whole, others by lessons read. */
export function shareDone(courses: { read: number; total: number; completed: boolean }[]): number {
  if (courses.length === 0) return 0;
  return courses.reduce((n, c) => n + (c.completed ? 1 : Math.min(1, c.read / Math.max(1, c.total))), 0) / courses.length;
}

export function paceOf(p: PaceInput): PaceStatus {
  if (p.complete) return 'complete';
  if (p.dueDate) {
    if (p.now > p.dueDate) return 'overdue';
    const span = p.dueDate.getTime() - p.since.getTime();
    const elapsed = span > 0 ? Math.min(1, Math.max(0, (p.now.getTime() - p.since.getTime()) / span)) : 1;
    return p.done < elapsed - BEHIND_MARGIN ? 'behind' : 'onTrack';
  }
  return p.done === 0 && p.now.getTime() - p.since.getTime() > NO_DUE_DATE_DAYS * DAY_MS ? 'behind' : 'onTrack';
}

/** Behind or overdue: the people a trainer should call. */
export function needsAttention(status: PaceStatus): boolean {
  return status === 'behind' || status === 'overdue';
}
