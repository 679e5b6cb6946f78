import type { Request, Response } from 'express';
import { z } from 'zod';
import { mayReissue, personMatches } from '../accounts';
import type { UnitPicker } from '../org';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { idParam, parseParams } from '../shared/validate';
import { cohortInScope, cohortProgress } from './cohorts.service';
import { behindRuleParams } from './behind';
import { ownsCohort } from './members.service';
import { ROSTER_COLUMNS, type RosterFileError } from './roster-file';
import { missingColumnsText } from './roster-template';

/** `/cohorts/:id…`: a cohort's id (anything else is a 404). */
export const cohortParams = z.object({ id: idParam });

/** The cohort page: members and their progress, with a form's errors or a roster file's refusal. */
export async function renderCohort(catalog: Catalog, req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}, q = ''): Promise<void> {
  const { id } = parseParams(cohortParams, req.params);
  const cohort = await cohortInScope(actorOf(req), id);
  const everyone = await cohortProgress(catalog, cohort);
  const members = q ? everyone.filter((m) => personMatches(m.user, q)) : everyone;
  const fileError = (extra.fileError ?? null) as RosterFileError | null;
  // a missing column is named in the reader's language, with the headings accepted for it
  const fileMessage = fileError && (fileError.messageKey === 'roster.missingColumns' ? missingColumnsText(res.locals.t, String(fileError.params.columns)) : res.locals.t(fileError.messageKey, fileError.params));
  const actor = actorOf(req);
  const own = ownsCohort(actor, cohort);
  const reissuable = new Set(members.filter((m) => mayReissue(actor, m.user, own)).map((m) => String(m.user._id)));
  res.status(status).render('cohorts/show', { title: cohort.name, cohort, members, reissuable, behindRuleParams, total: everyone.length, q, catalog, errors: {}, columns: ROSTER_COLUMNS, ...extra, fileError, fileMessage });
}

/** The new-cohort form, with what was typed, its errors and the unit picker. */
export function renderNew(catalog: Catalog, res: Response, status: number, values: Record<string, unknown>, errors: Record<string, string>, picker: UnitPicker): void {
  res.status(status).render('cohorts/new', { title: res.locals.t('cohorts.newTitle'), values, errors, catalog, picker });
}
