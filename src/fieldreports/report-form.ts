/**
 * The weekly report form as posted (no script needed): five counts, up to
 * MAX_DIFFICULTIES difficulty rows named d0_category, d0_description, d0_help, d0_id…,
 * and notes. Blank counts mean 0; a row with neither category nor description is
 * ignored. Errors name the field, so the form comes back with everything typed in it.
 */
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

/** A field as sent once; a field sent twice (`vneid=1&vneid=2`) is the first value, and refused below. */
const field = (body: Record<string, unknown>, name: string): string => {
  const v = Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
};

export function readReportForm(body: Record<string, unknown> = {}): { values: FormValues; input: ReportInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  // A field sent more than once is refused on that field: which value was meant cannot be known.
  const repeated = (name: string) => Object.prototype.hasOwnProperty.call(body, name) && Array.isArray(body[name]);
  const values: FormValues = { counts: {}, difficulties: [], notes: field(body, 'notes').normalize('NFC').trim() };
  const counts = {} as Counts;
  for (const kind of WORK_KINDS) {
    const raw = field(body, kind).trim();
    values.counts[kind] = raw;
    if (repeated(kind)) {
      errors[kind] = 'fieldReports.errors.repeated';
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
    const category = field(body, `d${i}_category`).trim();
    const description = field(body, `d${i}_description`).normalize('NFC').trim();
    const help = field(body, `d${i}_help`) === '1';
    const id = field(body, `d${i}_id`).trim();
    values.difficulties.push({ id, category, description, help });
    for (const name of [`d${i}_category`, `d${i}_description`, `d${i}_help`, `d${i}_id`]) if (repeated(name)) errors[name.endsWith('_help') || name.endsWith('_id') ? `d${i}_description` : name] = 'fieldReports.errors.repeated';
    if (!category && !description) continue;
    if (!(DIFFICULTY_CATEGORIES as readonly string[]).includes(category)) errors[`d${i}_category`] = 'fieldReports.errors.category';
    if (!description) errors[`d${i}_description`] = 'fieldReports.errors.description';
    else if (description.length > 500) errors[`d${i}_description`] = 'fieldReports.errors.descriptionLong';
    difficulties.push({ id: isObjectId(id) ? id : undefined, category: category as DifficultyCategory, description, helpNeeded: help });
  }
  if (values.notes.length > 1000) errors.notes = 'fieldReports.errors.notesLong';
  if (repeated('notes')) errors.notes = 'fieldReports.errors.repeated';
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
