import { type Request, type Response } from 'express';
import { type UnitDoc } from '../org';
import { Forbidden, NotFound, Refused } from '../shared/errors';
import { formatWeek } from '../shared/i18n';
import { DIFFICULTY_CATEGORIES, MAX_DIFFICULTIES, WORK_KINDS, type FieldReportDoc } from './field-report.model';
import { teamOf } from './field-reports.service';
import { rowsToShow, type FormValues } from './report-form';
import { isOpen, parseWeek, type ReportWeek } from './weeks';


/** The team of the signed-in team leader; anyone else is refused. */
export async function myTeam(req: Request): Promise<UnitDoc> {
  const team = await teamOf(req.user!);
  if (!team) throw new Forbidden(`${req.user!.username} leads no team`);
  return team;
}

/** A week that has started (future weeks do not exist yet). */
export function weekParam(value: unknown, now: Date): ReportWeek {
  const week = parseWeek(value);
  if (!week || week.start > now) throw new NotFound(`no report week ${String(value)}`);
  return week;
}

/** The week's report form, with what was typed and its errors or refusal. */
export function renderForm(req: Request, res: Response, o: { team: UnitDoc; week: ReportWeek; report: FieldReportDoc | null; values: FormValues; errors: Record<string, string>; refusal?: Refused | null; status?: number }) {
  res.status(o.status ?? 200).render('fieldreports/form', {
    title: res.locals.t('fieldReports.formTitle', { week: formatWeek(req.locale, o.week) }),
    team: o.team,
    week: o.week,
    report: o.report,
    // The stored difficulties by id, so each row shows what staff recorded on it.
    stored: Object.fromEntries((o.report?.difficulties ?? []).map((d) => [String(d._id), d])),
    values: o.values,
    errors: o.errors,
    refusal: o.refusal ?? null,
    open: isOpen(o.week, new Date()),
    rows: rowsToShow(o.values),
    kinds: WORK_KINDS,
    categories: DIFFICULTY_CATEGORIES,
    maxDifficulties: MAX_DIFFICULTIES,
  });
}

