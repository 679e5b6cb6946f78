/** The session form: its zod schema, the values as typed, and the page that shows it. */
import type { Response } from 'express';
import { z } from 'zod';
import { listCohorts } from '../cohorts';
import type { Catalog } from '../courses';
import type { UnitPicker } from '../org';
import type { Actor } from '../shared/actor';
import { dayLabelVietnam } from '../shared/vn-time';
import { formBody, typedText } from '../shared/validate';
import { CAMPAIGN_TOPICS } from './topics';
import type { SessionInput } from './sessions.service';
import { PLACE_KINDS, type RetrainingSessionDoc } from './session.model';

const list = z.union([z.string().max(200), z.array(z.string().max(200)).max(200)]).optional();
const asList = (v: unknown): string[] => ([] as unknown[]).concat(v ?? []).filter((c): c is string => typeof c === 'string');

/** The form as sent: every field a bounded string (the service names what is wrong in each). */
export const sessionForm = z.object({
  title: z.string().max(300),
  date: z.string().max(20),
  startTime: z.string().max(10),
  endTime: z.string().max(10),
  placeKind: z.string().max(20),
  place: z.string().max(600),
  unitCode: z.string().max(200),
  unitPick: z.string().max(32).optional(),
  findUnit: z.literal('1').optional(),
  topics: list,
  cohorts: list,
  inviteUnit: z.literal('1').optional(),
});

/** The form as typed, to show again beside its messages. */
export const typedSessionForm = formBody.catch({}).pipe(
  z.object({
    title: typedText,
    date: typedText,
    startTime: typedText,
    endTime: typedText,
    placeKind: typedText,
    place: typedText,
    unitCode: typedText,
    unitPick: typedText,
    inviteUnit: typedText,
    topics: z.unknown().optional().transform(asList),
    cohorts: z.unknown().optional().transform(asList),
  }),
);
export type FormValues = z.infer<typeof typedSessionForm>;

/** The service's input from the parsed form (the unit: the radio picked, else the text typed). */
export function inputOf(f: z.infer<typeof sessionForm>): SessionInput {
  return {
    title: f.title,
    date: f.date,
    startTime: f.startTime,
    endTime: f.endTime,
    placeKind: f.placeKind,
    place: f.place,
    unitCode: (f.unitPick || f.unitCode || '').trim(),
    topics: asList(f.topics),
    cohorts: asList(f.cohorts),
    inviteUnit: f.inviteUnit === '1',
  };
}

const hhmm = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(11, 16);

/** A saved session as form values (for editing). */
export function valuesOf(s: RetrainingSessionDoc, unitCode: string): FormValues {
  return {
    title: s.title,
    date: dayLabelVietnam(s.startsAt),
    startTime: hhmm(s.startsAt),
    endTime: hhmm(s.endsAt),
    placeKind: s.placeKind,
    place: s.place,
    unitCode,
    unitPick: '',
    inviteUnit: s.invitedUnits.length ? '1' : '',
    topics: s.topics,
    cohorts: s.invitedCohorts.map(String),
  };
}

/** The new-session (or edit) form: values, errors, the unit picker, the topics by course, the actor's open cohorts. */
export async function renderForm(res: Response, actor: Actor, catalog: Catalog, view: { status: number; values: Partial<FormValues>; errors: Record<string, string>; picker: UnitPicker; session?: RetrainingSessionDoc }): Promise<void> {
  const cohorts = (await listCohorts(actor)).filter((c) => !c.closedAt);
  const t = res.locals.t as (k: string) => string;
  res.status(view.status).render('retraining/form', {
    title: t(view.session ? 'retraining.editTitle' : 'retraining.newTitle'),
    session: view.session ?? null,
    values: { topics: [], cohorts: [], ...view.values },
    errors: view.errors,
    picker: view.picker,
    catalog,
    campaignTopics: CAMPAIGN_TOPICS,
    placeKinds: PLACE_KINDS,
    cohorts,
  });
}
