/**
 * The weekly report form as posted (no script needed): five counts, up to
 * MAX_DIFFICULTIES difficulty rows named d0_category, d0_description, d0_help, d0_id…,
 * and notes. Blank counts mean 0; a row with neither category nor description is
 * ignored. Errors name the field, so the form comes back with everything typed in it.
 * Each field is parsed by a zod schema (text, or a list when sent twice); the rules of the
 * report (counts, categories, lengths) then give each field its message.
 */
import { z } from 'zod';
import { isObjectId } from '../shared/actor';
import { DIFFICULTY_CATEGORIES, MAX_COUNT, MAX_DIFFICULTIES, WORK_KINDS, type Counts, type DifficultyCategory, type FieldReportDoc } from './field-report.model';
import type { ReportInput } from './field-reports.service';

/** What the form shows: strings exactly as typed (or as stored). */
export interface FormValues {
  counts: Record<string, string>;
  /** One entry per form row (MAX_DIFFICULTIES of them), blank ones included, so errors keep their row. */
  difficulties: DifficultyValues[];
  notes: string;
}

export interface DifficultyValues {
  id: string;
  category: string;
  description: string;
  help: boolean;
}

const BLANK: DifficultyValues = { id: '', category: '', description: '', help: false };

/** How many difficulty rows the form shows: every filled one and two blank ones after the last (at least three). */
export function rowsToShow(values: FormValues): number {
  let last = -1;
  values.difficulties.forEach((d, i) => {
    if (d.category || d.description) last = i;
  });
  return Math.min(MAX_DIFFICULTIES, Math.max(3, last + 3));
}

/** Longest text a field may carry at all (the form's own limits, with their messages, are far below). */
const POSTED_MAX = 10_000;
/** Most values a repeated field may carry before it is no form's at all. */
const REPEATS_MAX = 20;
/**
 * One field as posted: its text, or a list when it was sent more than once (`vneid=1&vneid=2`:
 * which value was meant cannot be known, so it is refused on that field). Anything else (an
 * object or a number in a JSON body, a list of lists, a text no form sends) is not a form's.
 */
const postedField = z.union([z.string().max(POSTED_MAX), z.array(z.string().max(POSTED_MAX)).max(REPEATS_MAX)]).optional();

/** A field's text (the first value when repeated) and its refusal, if it was repeated or not a form's. */
function readField(body: Record<string, unknown>, name: string): { text: string; error: string | null } {
  const parsed = postedField.safeParse(Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined);
  if (!parsed.success) return { text: '', error: 'errors.field.invalid' };
  if (Array.isArray(parsed.data)) return { text: parsed.data[0] ?? '', error: 'fieldReports.errors.repeated' };
  return { text: parsed.data ?? '', error: null };
}

/** The form as posted: what to show again, the report's input when every field is right, else each wrong field's message. */
export function readReportForm(body: Record<string, unknown> = {}): { values: FormValues; input: ReportInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const field = (name: string) => readField(body, name).text;
  const refused = (name: string) => readField(body, name).error;
  const values: FormValues = { counts: {}, difficulties: [], notes: field('notes').normalize('NFC').trim() };
  const counts = {} as Counts;
  for (const kind of WORK_KINDS) {
    const raw = field(kind).trim();
    values.counts[kind] = raw;
    const refusal = refused(kind);
    if (refusal) {
      errors[kind] = refusal;
    } else if (raw === '') {
      counts[kind] = 0;
    } else if (!/^\d{1,6}$/.test(raw) || Number(raw) > MAX_COUNT) {
      errors[kind] = 'fieldReports.errors.count';
    } else {
      counts[kind] = Number(raw);
    }
  }
  const difficulties: ReportInput['difficulties'] = [];
  for (let i = 0; i < MAX_DIFFICULTIES; i += 1) {
    const category = field(`d${i}_category`).trim();
    const description = field(`d${i}_description`).normalize('NFC').trim();
    const help = field(`d${i}_help`) === '1';
    const id = field(`d${i}_id`).trim();
    values.difficulties.push({ id, category, description, help });
    for (const name of [`d${i}_category`, `d${i}_description`, `d${i}_help`, `d${i}_id`]) {
      const refusal = refused(name);
      if (refusal) errors[name.endsWith('_help') || name.endsWith('_id') ? `d${i}_description` : name] = refusal;
    }
    if (!category && !description) continue;
    if (!(DIFFICULTY_CATEGORIES as readonly string[]).includes(category)) errors[`d${i}_category`] = 'fieldReports.errors.category';
    if (!description) errors[`d${i}_description`] = 'fieldReports.errors.description';
    else if (description.length > 500) errors[`d${i}_description`] = 'fieldReports.errors.descriptionLong';
    difficulties.push({ id: isObjectId(id) ? id : undefined, category: category as DifficultyCategory, description, helpNeeded: help });
  }
  if (values.notes.length > 1000) errors.notes = 'fieldReports.errors.notesLong';
  const notesRefusal = refused('notes');
  if (notesRefusal) errors.notes = notesRefusal;
  return { values, input: Object.keys(errors).length ? null : { counts, difficulties, notes: values.notes }, errors };
}

/** The form's values for a stored report (or an empty one). */
export function formValuesOf(report: FieldReportDoc | null): FormValues {
  return {
    counts: Object.fromEntries(WORK_KINDS.map((k) => [k, report ? String(report.counts?.[k] ?? 0) : ''])),
    difficulties: Array.from({ length: MAX_DIFFICULTIES }, (_, i) => {
      const d = report?.difficulties[i];
      if (!d) return { ...BLANK };
      return { id: String(d._id), category: d.category, description: d.description, help: Boolean(d.helpNeeded) };
    }),
    notes: report?.notes ?? '',
  };
}
