/**
 * A trainer's home: their own open cohorts, newest first and a few at most, each with how
 * many people are behind or overdue by the rule of ./behind. Kept cheap: only cohorts the
 * trainer owns (`owner`, indexed), and a cohort too big to count on a home page is listed
 * with its size only (its own page counts it).
 */
import type { Catalog } from '../courses';
import type { Actor } from '../shared/actor';
import { Cohort, type CohortDoc } from './cohort.model';
import { cohortProgress, countMembers } from './cohorts.service';
import { can } from '../shared/permissions';

export const attentionLimits = { MAX_COHORTS: 5, MAX_MEMBERS_COUNTED: 60, KEPT_MS: 2 * 60_000 };

/** A cohort's counts, kept a short while per process: home is the busiest page, and a count reads each member. */
const kept = new Map<string, { at: number; rows: Promise<{ pace: string }[]> }>();
function progressKept(catalog: Catalog, cohort: CohortDoc, now: Date): Promise<{ pace: string }[]> {
  const key = String(cohort._id);
  const hit = kept.get(key);
  if (hit && now.getTime() - hit.at < attentionLimits.KEPT_MS && now.getTime() >= hit.at) return hit.rows;
  if (kept.size > 5000) kept.clear();
  const rows = cohortProgress(catalog, cohort, now).then((r) => r.map((m) => ({ pace: m.pace as string })));
  kept.set(key, { at: now.getTime(), rows });
  rows.catch(() => kept.delete(key));
  return rows;
}

/** Forget the kept counts (tests; a cohort's own page always counts afresh). */
export function forgetAttention(cohortId?: string): void {
  if (cohortId) kept.delete(cohortId);
  else kept.clear();
}

export interface CohortAttention {
  cohort: CohortDoc;
  members: number;
  /** null when the cohort is too big to count here. */
  behind: number | null;
  overdue: number | null;
  complete: number | null;
}

export async function cohortsNeedingAttention(actor: Actor, catalog: Catalog, now = new Date()): Promise<{ cohorts: CohortAttention[]; more: boolean }> {
  if (!can(actor, 'manageCohorts')) return { cohorts: [], more: false };
  // a trainer's own cohorts are few: read them all (one equality on `owner`), then keep the open ones
  const own = (await Cohort.find({ owner: actor.id }).limit(2000).lean<CohortDoc[]>())
    .filter((c) => !c.closedAt)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const shown = own.slice(0, attentionLimits.MAX_COHORTS);
  const counts = await countMembers(shown.map((c) => c._id));
  const cohorts: CohortAttention[] = [];
  for (const cohort of shown) {
    const members = counts.get(String(cohort._id)) ?? 0;
    if (members > attentionLimits.MAX_MEMBERS_COUNTED) {
      cohorts.push({ cohort, members, behind: null, overdue: null, complete: null });
      continue;
    }
    const rows = await progressKept(catalog, cohort, now);
    cohorts.push({
      cohort,
      members,
      behind: rows.filter((r) => r.pace === 'behind').length,
      overdue: rows.filter((r) => r.pace === 'overdue').length,
      complete: rows.filter((r) => r.pace === 'complete').length,
    });
  }
  // the cohorts with the most people to call first
  cohorts.sort((a, b) => (b.behind ?? 0) + (b.overdue ?? 0) - ((a.behind ?? 0) + (a.overdue ?? 0)));
  return { cohorts, more: own.length > shown.length };
}
